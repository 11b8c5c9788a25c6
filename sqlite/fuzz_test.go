package sqlite_test

import (
	"testing"

	"github.com/convokit/convo/store/storetest"
)

// Fuzz targets (the seed corpora run with the normal tests):
//
//	go test ./sqlite -run '^$' -fuzz FuzzAddMessage -fuzztime 5m

func FuzzAddMessage(f *testing.F)         { storetest.FuzzAddMessage(f, newStore) }
func FuzzConversationFilter(f *testing.F) { storetest.FuzzConversationFilter(f, newStore) }
func FuzzCursor(f *testing.F)             { storetest.FuzzCursor(f, newStore) }
