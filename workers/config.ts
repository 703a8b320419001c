/**
 * The deployment's configuration, validated once when the Worker's module loads. A bad regions.json
 * throws here, so `wrangler dev` and `wrangler deploy` refuse to start the Worker and print every
 * problem, instead of a running Worker routing tasks to the wrong place.
 */
import { version } from "../package.json";
import rawRegions from "../regions.json";
import { loadRegions } from "./regions";

export const regions = loadRegions(rawRegions);

/** Switchboard's release, from package.json. */
export const VERSION: string = version;
