import * as HelpDoc from "@effect/cli/HelpDoc"

/**
 * A command's description: its synopsis, the line `slipstream --help` lists it by and its
 * own help starts with, then the paragraphs its help adds.
 */
export const commandDescription = (synopsis: string, ...details: ReadonlyArray<string>) =>
  HelpDoc.blocks([synopsis, ...details].map((text) => HelpDoc.p(text)))
