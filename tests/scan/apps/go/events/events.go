// Package events names the events as typed constants, used by package checkout.
package events

type Event string

const (
	OrderCompleted Event = "Order Completed"
	SignedIn       Event = "Signed In"
)
