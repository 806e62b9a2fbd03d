import { createContext, useContext } from "react";

// The CSP nonce reaches the root document through context; browsers hide it after load,
// so on the client it is an empty string, which React tolerates for this attribute.
const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export function useNonce(): string {
  return useContext(NonceContext);
}
