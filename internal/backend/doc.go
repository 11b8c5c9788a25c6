// Package backend holds what every store backend does the same way, with no
// SQL: the stored forms of JSON columns and times, the naming of a batch
// item's errors, a contact built from its input, the timeline entries of a
// conversation's update, the dispatch and checks of an import's records,
// and the change feed's per-transaction log, field diffs and argument
// checks. It knows no database engine or driver.
package backend
