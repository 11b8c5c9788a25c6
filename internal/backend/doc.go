// Package backend holds what every store backend does the same way, with no
// SQL: the stored forms of JSON columns, times, statuses and views; the
// checks and defaults of calls' inputs; the decisions of the workflow, of
// a message's update and of a merge (whose flow runs here, each backend
// giving its statements); an import's record loop and per-record checks;
// the export's order of kinds; list names, cursors, pages and the counts
// planner; the embedded migrations' list; and the change feed's
// per-transaction log, field diffs and argument checks. It knows no
// database engine or driver.
package backend
