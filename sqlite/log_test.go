package sqlite_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/convokit/convo"
	"github.com/convokit/convo/sqlite"
)

func TestLogger(t *testing.T) {
	t.Run("DebugTellsOpenAndSchema", func(t *testing.T) {
		is := is.New(t)
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		s, err := sqlite.Open(":memory:", sqlite.Options{Logger: log})
		is.NoErr(err)
		defer s.Close()
		is.True(strings.Contains(buf.String(), `msg="convo: schema created" version=`)) // a new database's schema
		is.True(strings.Contains(buf.String(), `msg="convo: store open"`))              // the open
	})

	t.Run("CallerErrorsAreNotLogged", func(t *testing.T) {
		is := is.New(t)
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
		s, err := sqlite.Open(":memory:", sqlite.Options{Logger: log})
		is.NoErr(err)
		defer s.Close()
		ctx := context.Background()
		_, err = s.CreateContact(ctx, 1, convo.NewContact{})
		is.True(err != nil) // invalid: the caller's to report
		_, err = s.UpdateContact(ctx, 1, 42, convo.ContactUpdate{})
		is.True(err != nil) // not found
		_, err = s.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada"})
		is.NoErr(err)
		is.Equal(buf.String(), "") // nothing above Debug in normal work
	})
}
