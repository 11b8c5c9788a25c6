package convo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/convokit/convo"
)

func TestChannelErrorSaysWhatATokenHolds(t *testing.T) {
	is := is.New(t)
	err := convo.NewConversation{ContactID: 1, Channel: "live-chat", HappenedAt: time.Now()}.Validate()
	var ve *convo.ValidationError
	is.True(errors.As(err, &ve))
	fe, ok := ve.Field("channel")
	is.True(ok)
	is.Equal(fe.Code, convo.CodeInvalid)                      // not an unknown enum value: any token will do
	is.True(strings.Contains(fe.Message, "a-z, 0-9 and '_'")) // what a token may hold
	is.True(strings.Contains(fe.Message, `"live-chat"`))      // and what was given
}
