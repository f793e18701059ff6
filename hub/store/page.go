package store

import "fmt"

// Every list is a keyset page: the query asks for limit+1 rows, and the
// extra row, when it comes, only says that another page follows. These two
// helpers hold that rule once for all lists.

// rows is what both database/sql's and sqlx's result sets offer.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// scanPage reads every row of a page query through scan and returns at most
// limit items, and whether more follow. what names the list in errors. It
// closes rs.
func scanPage[T any](rs rows, limit int, what string, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, bool, error) {
	defer rs.Close()
	out := make([]T, 0, limit+1)
	for rs.Next() {
		item, err := scan(rs)
		if err != nil {
			return nil, false, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, item)
	}
	if err := rs.Err(); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", what, err)
	}
	page, more := cutPage(out, limit)
	return page, more, nil
}

// cutPage drops the extra row of a limit+1 query and reports whether it
// was there.
func cutPage[T any](items []T, limit int) ([]T, bool) {
	if len(items) > limit {
		return items[:limit], true
	}
	return items, false
}
