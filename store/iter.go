package store

import (
	"context"
	"iter"

	"github.com/convokit/convo"
)

// Iterators walk a whole list, page by page by keyset cursor. Each page is
// fetched by one list call that returns it complete, so no database
// connection or transaction is held while the loop body runs: the body may
// read and write through the same store. Breaking out of the loop stops the
// walk. An error (a bad filter, a closed store, a cancelled context) is
// yielded once, with the zero item, and ends the walk.
//
// A keyset walk never skips or repeats an item whose sort key stays put.
// An item whose sort key changes during the walk (a conversation with new
// activity while sorted by activity) may be seen again or not at all; sort
// by creation for a walk that changes what it visits.

// Conversations yields every conversation matching f, in f.Sort order.
// f.Page may be left zero (pages of MaxPerPage) or set with After to start
// from a cursor with a page size of its own; page-number paging is
// ErrInvalid.
func Conversations(ctx context.Context, s Store, accountID int64, f ConversationFilter) iter.Seq2[convo.Conversation, error] {
	return walk(f.Page, func(p Paging) (Page[convo.Conversation], error) {
		f.Page = p
		return s.ListConversations(ctx, accountID, f)
	})
}

// Messages yields every message of a conversation, in f.Order. f.Page is
// taken as by Conversations.
func Messages(ctx context.Context, s Store, accountID, conversationID int64, f MessageFilter) iter.Seq2[convo.Message, error] {
	return walk(f.Page, func(p Paging) (Page[convo.Message], error) {
		f.Page = p
		return s.ListMessages(ctx, accountID, conversationID, f)
	})
}

// Contacts yields every contact matching f, by name then id. f.Page is
// taken as by Conversations.
func Contacts(ctx context.Context, s Store, accountID int64, f ContactFilter) iter.Seq2[convo.Contact, error] {
	return walk(f.Page, func(p Paging) (Page[convo.Contact], error) {
		f.Page = p
		return s.ListContacts(ctx, accountID, f)
	})
}

// walk yields the items of the pages list returns, following Page.Next
// from the start that first describes.
func walk[T any](first Paging, list func(Paging) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		p := first
		switch {
		case !first.sized:
			p = After("", MaxPerPage)
		case !first.keyset:
			yield(zero, convo.Invalid("page", convo.CodeMismatch, "iterators page by cursor: leave the page zero or use After"))
			return
		}
		for {
			page, err := list(p)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			p = After(page.Next, p.PerPage())
		}
	}
}
