package convo

import "time"

// Channel is where a conversation happens: Monica's contact field type
// (email, phone, Twitter, ...) or Chatwoot's channel. The constants are the
// common ones; a host may use any other lower-case token of up to 32 letters,
// digits and underscores ("matrix", "line", "signal").
type Channel string

// Common channels.
const (
	ChannelEmail     Channel = "email"
	ChannelPhone     Channel = "phone"
	ChannelSMS       Channel = "sms"
	ChannelWhatsApp  Channel = "whatsapp"
	ChannelTelegram  Channel = "telegram"
	ChannelFacebook  Channel = "facebook"
	ChannelInstagram Channel = "instagram"
	ChannelTwitter   Channel = "twitter"
	ChannelWeb       Channel = "web"
	ChannelAPI       Channel = "api"
	ChannelOther     Channel = "other"
)

// Valid reports whether c is a token: 1 to 32 of a-z, 0-9 and '_',
// starting with a letter.
func (c Channel) Valid() bool {
	if len(c) == 0 || len(c) > 32 || c[0] < 'a' || c[0] > 'z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// ParseChannel parses a channel's text, any token Valid accepts; anything
// else is a *ValidationError on field "channel" with CodeUnknown, as
// validation reports it.
func ParseChannel(s string) (Channel, error) {
	return parseEnum[Channel]("channel", s, "1 to 32 of a-z, 0-9 and '_', starting with a letter")
}

// ReplyWindow is how long after the contact's last incoming message an agent
// may still reply on this channel (the messaging window of Chatwoot's
// can_reply); zero means the channel has no window.
func (c Channel) ReplyWindow() time.Duration {
	switch c {
	case ChannelWhatsApp, ChannelFacebook, ChannelInstagram:
		return 24 * time.Hour
	}
	return 0
}
