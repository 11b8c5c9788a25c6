package convo_test

import (
	"errors"
	"fmt"

	"github.com/convokit/convo"
)

// What a user types into a search box: words, "phrases" and prefix*; any
// other character is text. Bad text is a ValidationError naming the field.
func ExampleParseSearch() {
	s, _ := convo.ParseSearch("q", `invoice* "wrong address" NEAR(`)
	for _, t := range s.Terms {
		fmt.Printf("%q phrase=%v prefix=%v\n", t.Text, t.Phrase, t.Prefix)
	}
	_, err := convo.ParseSearch("q", "bad \xff")
	fmt.Println(errors.Is(err, convo.ErrInvalid))
	// Output:
	// "invoice" phrase=false prefix=true
	// "wrong address" phrase=true prefix=false
	// "NEAR(" phrase=false prefix=false
	// true
}

// Monica's written_by_me and Chatwoot's numeric message_type name the same
// thing: convo's MessageType.
func ExampleMessageTypeFromWrittenByMe() {
	fmt.Println(convo.MessageTypeFromWrittenByMe(true), convo.MessageTypeFromWrittenByMe(false))
	fmt.Println(convo.MessageOutgoing.Code(), convo.MessageTypeFromCode(2))
	// Output:
	// outgoing incoming
	// 1 activity
}
