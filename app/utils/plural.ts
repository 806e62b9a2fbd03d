// Counts with their words in the right number, written once: "1 trainees" had crept in by hand.
const ENGLISH = new Intl.PluralRules("en-GB");

/** "trainee" for 1, "trainees" otherwise; give the plural when it is not the word plus "s". */
export function pluralWord(n: number, one: string, other = `${one}s`): string {
  return ENGLISH.select(n) === "one" ? one : other;
}

/** "1 trainee", "2 trainees", "1,204 opportunities". */
export function plural(n: number, one: string, other = `${one}s`): string {
  return `${n.toLocaleString("en-GB")} ${pluralWord(n, one, other)}`;
}
