package sqlite

import (
	"database/sql"
	"testing"
	"time"
)

// BenchmarkToConversations converts a page of 25 typical rows: a list's
// work once its rows are read (or taken from the row cache).
func BenchmarkToConversations(b *testing.B) {
	now := time.Now()
	r := conversationRow{ID: 12345, UUID: "5b0f4a4e-7d43-4c1e-9a43-1f2b3c4d5e6f", AccountID: 1, ContactID: 77, Channel: "email",
		InboxID: sql.NullInt64{Int64: 3, Valid: true}, AssigneeID: sql.NullString{String: "8a0f4a4e-7d43-4c1e-9a43-1f2b3c4d5e6f", Valid: true},
		Status: 0, Priority: 2, CreatedAt: dbTime{now}, UpdatedAt: dbTime{now}, LastActivityAt: dbTime{now}, MessagesCount: 10, LastSeq: 10,
		LastNonActivityMessageID: sql.NullInt64{Int64: 99, Valid: true}, Labels: sql.NullString{String: "billing,vip", Valid: true},
		UserIDs: sql.NullString{String: "1a0f4a4e-7d43-4c1e-9a43-1f2b3c4d5e6f,2a0f4a4e-7d43-4c1e-9a43-1f2b3c4d5e6f", Valid: true},
		Contact: contactRow{FirstName: "Ada", LastName: "Lovelace", Email: sql.NullString{String: "ada@x.test", Valid: true}, CreatedAt: dbTime{now}},
		Last: messageRow{Seq: 10, Content: "some words of a message", MessageType: 0, SenderType: "contact", CreatedAt: dbTime{now},
			SourceID: sql.NullString{String: "src-123", Valid: true}},
	}
	rows := make([]conversationRow, 25)
	for i := range rows {
		rows[i] = r
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toConversations(rows, now); err != nil {
			b.Fatal(err)
		}
	}
}
