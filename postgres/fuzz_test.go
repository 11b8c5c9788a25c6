package postgres

import (
	"testing"

	"github.com/convokit/convo/store/storetest"
)

// Fuzz targets, whose bodies are storetest's (go test -fuzz runs only a
// package's own Fuzz functions, hence one wrapper each). The seed corpora
// run with the normal tests:
//
//	go test ./postgres -run '^$' -fuzz '^FuzzSearchQuery$' -fuzztime 5m

func FuzzAddMessage(f *testing.F)         { storetest.FuzzAddMessage(f, newStore) }
func FuzzConversationFilter(f *testing.F) { storetest.FuzzConversationFilter(f, newStore) }
func FuzzCursor(f *testing.F)             { storetest.FuzzCursor(f, newStore) }
func FuzzSearchQuery(f *testing.F)        { storetest.FuzzSearchQuery(f, newStore) }
