package postgres

import "errors"

// errTODO is what a call still being built returns (todo_*.go).
var errTODO = errors.ErrUnsupported
