/**
 * Runs before each workers test file: loads the Worker's whole module graph (every route, every Durable
 * Object class) once, outside any test. The pool loads modules on first use, so without this the first
 * test of a file that reaches the Worker or a Durable Object paid for it — several seconds on a loaded
 * machine, more than a test's 5 s budget — and timed out for reasons that had nothing to do with it.
 *
 * The project runs file after file in the same workerd (`isolate: false`, vitest.config.ts), so
 * each file starts by deleting every Durable Object the files before it made: it sees empty storage, as
 * it would in a runtime of its own.
 */
import { reset } from "cloudflare:test";
import { beforeAll } from "vitest";
import "../../workers/index";

beforeAll(() => reset());
