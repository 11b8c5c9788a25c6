// Package convo is the vocabulary of convo: contacts, conversations and
// messages, their enums and inputs, validation and errors. It knows
// nothing of storage.
//
// The operations live elsewhere: package store says what a store does (the
// Store interface, filters, pages, iterators), package sqlite keeps it on
// SQLite in pure Go, package jsonl exports and imports an account as JSON
// Lines, and package convotest makes stores for other projects' tests.
//
// Bad input is a *ValidationError naming each field, which matches
// ErrInvalid with errors.Is; the other failures match ErrNotFound,
// ErrConflict, ErrClosed and the rest of the sentinel errors here.
package convo
