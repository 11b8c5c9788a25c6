package postgres_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/convokit/convo"
	"github.com/convokit/convo/postgres"
	"github.com/convokit/convo/store"
)

// A host on SQLite moves to PostgreSQL by changing the line that opens the
// store: everything after it is the same store.Store.
func Example() {
	ctx := context.Background()

	// On SQLite: s, err := sqlite.Open("app.db", sqlite.Options{})
	s, err := postgres.Open(ctx, os.Getenv("CONVO_POSTGRES_URL"), postgres.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	var st store.Store = s
	c, err := st.CreateContact(ctx, 1, convo.NewContact{FirstName: "Ada", Email: "ada@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.CompleteName())
}
