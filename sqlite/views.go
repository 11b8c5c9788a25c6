package sqlite

import (
	"context"
	"errors"

	"github.com/convokit/convo/store"
)

var errViewsTODO = errors.New("sqlite: views not built yet")

// SaveView implements store.Store.
func (s *Store) SaveView(ctx context.Context, accountID int64, v store.View) (store.View, error) {
	return store.View{}, errViewsTODO
}

// GetView implements store.Store.
func (s *Store) GetView(ctx context.Context, accountID int64, name string) (store.View, error) {
	return store.View{}, errViewsTODO
}

// ListViews implements store.Store.
func (s *Store) ListViews(ctx context.Context, accountID int64) ([]store.View, error) {
	return nil, errViewsTODO
}

// DeleteView implements store.Store.
func (s *Store) DeleteView(ctx context.Context, accountID int64, name string) error {
	return errViewsTODO
}
