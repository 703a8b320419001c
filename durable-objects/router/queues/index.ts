/** TaskQueue settings: parsing and defaults for what the matcher reads about a queue. */
export * from "./task-queue";
