package sqlite

import (
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// convo_search_words(n, content) is searchWords in SQL, for the
// statements that fill the message index (n: the account's number in
// convo_search_accounts). Only convo's own statements
// call it: no trigger, view or column of the schema does, so the file
// stays usable by any SQLite program, which does not know the function.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("convo_search_words", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		n, ok := args[0].(int64)
		if !ok {
			return nil, fmt.Errorf("convo_search_words: account number %v is not an integer", args[0])
		}
		content, ok := args[1].(string) // NOT NULL TEXT
		if !ok {
			return nil, fmt.Errorf("convo_search_words: content of type %T", args[1])
		}
		return searchWords(n, content)
	})
}
