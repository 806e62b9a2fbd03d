// Common passwords of 12 characters or more, from public breach lists. A short list is
// enough here: the length rule removes most of the rest.
const COMMON_PASSWORDS = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "123123123123",
  "111111111111",
  "000000000000",
  "abcdefghijkl",
  "abc123abc123",
  "password1234",
  "password12345",
  "password123456",
  "passwordpassword",
  "password!234",
  "qwertyuiop12",
  "qwertyuiop123",
  "qwertyuiopasdf",
  "qwerty123456",
  "1qaz2wsx3edc",
  "1q2w3e4r5t6y",
  "iloveyou1234",
  "letmein12345",
  "welcome12345",
  "welcome123456",
  "changeme1234",
  "administrator",
  "admin1234567",
  "football1234",
  "monkey123456",
  "sunshine1234",
  "princess1234",
  "trustno1trustno1",
  "nhsnhsnhsnhs",
  "nhspassword1",
  "nhspassword123",
  "doctor123456",
  "doctordoctor",
  "hospital1234",
  "medicine1234",
  "juniordoctor",
  "juniordoctor1",
  "demo-password-2026",
]);

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
