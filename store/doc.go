// Package store says what a convo store does: the Store interface, whose
// doc comments are the contract every backend keeps, and the filter, paging
// and cursor types its calls take and return.
//
// How a store does it lives in a backend package (convo/sqlite,
// convo/postgres); the behaviour of every backend is checked by one
// conformance suite, store/storetest.
//
// Every change a call makes is also recorded in the account's change feed,
// in the same transaction (Change, Changes, Watch).
//
// # Search
//
// A search (ConversationFilter.Query, ContactFilter.Query, MessageSearch)
// is text in the language of convo.ParseSearch: terms that must all match.
// Every backend reads text and terms alike, as follows.
//
// Words. Text is a sequence of words: runs of letters and numbers (and of
// private-use characters). Everything else (spaces, punctuation, symbols,
// emoji) only separates words, so an email, a phone number or a hyphenated
// name is several words: bob@example.org is bob, example and org; +1
// 555-0100 is 1, 555 and 0100; l'été is l and ete. Case does not count,
// as Unicode folds it (MAIL is mail). Nor do the accents of a to z: é, ñ,
// ç, ș, ő, ạ are e, n, c, s, o, a, written as one character or as the
// letter and its combining accents. Other letters stay as they are (æ, ø,
// ß, ł, đ, œ), and the letters of other scripts keep their marks (й is
// not и). Words gives the words of a text, exactly. Backends agree on
// text of the characters and case pairs of Unicode 6.1; one may read a
// character that Unicode added later (a newer emoji, say) as a letter, or
// a later case pair as two letters.
//
// Terms. A word matches a text that holds it. A term of several words,
// typed in quotes ("wrong address") or joined by punctuation
// (bob@example.org, 555-0100), is a phrase: its words must follow one
// another in the text, in order, with only separators between them. A
// prefix (hou*) matches every word that begins with it (hou, hour,
// house); in a phrase the star belongs to the last word (bob@exa* finds
// bob@example.org). A term without a word (only punctuation or symbols)
// is left out, and a search left without a term matches nothing. A
// contact search makes every term a prefix, found in one of the contact's
// complete name, nickname, email, phone or identifier.
//
// Order. SearchRelevance puts better matches first. Of two messages with
// as many words, one that holds every term at least as often as the
// other, and some term more often, is the better match; equal matches go
// newest first. How a backend weighs length and rarer words is its own.
//
// Snippets. A MessageHit's Snippet is one piece of the message's content,
// as stored: at most MessageSearch.SnippetWords words of it
// (DefaultSnippetWords when zero, at most MaxSnippetWords), holding a
// match if one fits. Each match
// stands between the search's markers, a phrase's words as one match with
// what lies between them. SnippetEllipsis stands where the piece leaves
// out the start or the end of the content; content of no more words than
// that is whole, without one.
package store
