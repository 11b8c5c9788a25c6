package backend

import "github.com/convokit/convo/store"

// TrimPage splits the perPage+1 rows a list query fetched into the page and
// whether more rows follow.
func TrimPage[T any](rows []T, perPage int) ([]T, bool) {
	if len(rows) > perPage {
		return rows[:perPage], true
	}
	return rows, false
}

// PageMeta is the meta of a page of items: Monica's paging meta, from the
// count of the list, in page-number paging; only the page size in keyset
// paging, which counts nothing.
func PageMeta(p store.Paging, items int, count func() (int, error)) (store.PageMeta, error) {
	if p.Keyset() {
		return store.PageMeta{PerPage: p.PerPage()}, nil
	}
	total, err := count()
	if err != nil {
		return store.PageMeta{}, err
	}
	return store.NewPageMeta(p, total, items), nil
}

// EmptyMeta is the meta of a page of a list that matches nothing.
func EmptyMeta(p store.Paging) store.PageMeta {
	if p.Keyset() {
		return store.PageMeta{PerPage: p.PerPage()}
	}
	return store.NewPageMeta(p, 0, 0)
}

// Convert converts each of rows by convert.
func Convert[R, T any](rows []R, convert func(R) (T, error)) ([]T, error) {
	list := make([]T, 0, len(rows))
	for _, r := range rows {
		v, err := convert(r)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, nil
}
