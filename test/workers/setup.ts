/**
 * Runs before each workers test file: loads the Worker's whole module graph (every route, every Durable
 * Object class) once, outside any test. The pool loads modules on first use, so without this the first
 * test of a file that reaches the Worker or a Durable Object paid for it — several seconds on a loaded
 * machine, more than a test's 5 s budget — and timed out for reasons that had nothing to do with it.
 */
import "../../workers/index";
