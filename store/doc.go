// Package store says what a convo store does: the Store interface, whose
// doc comments are the contract every backend keeps, and the filter, paging
// and cursor types its calls take and return.
//
// How a store does it lives in a backend package (convo/sqlite); the
// behaviour of every backend is checked by one conformance suite,
// store/storetest.
package store
