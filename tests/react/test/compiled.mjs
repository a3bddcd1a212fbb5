// Compiled catalogs for the `catalog` prop tests, and whether the authoring entry exists.
import { compile } from "upgrade-prompts/audience";
import { config } from "./fixtures.mjs";

/** www/samples/team.json compiled (what `upgrade-prompts compile` writes). */
export const bytes = compile(config).bytes;

/** A fresh copy of `bytes` (equal content, another object). */
export const copyOf = (b) => new Uint8Array(b);

