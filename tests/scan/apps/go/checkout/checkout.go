// Package checkout shows every call form the scan understands, in Go with analytics-go.
package checkout

import (
	"fmt"

	"example.com/shop/events"
	"example.com/shop/tracking"
	segment "github.com/segmentio/analytics-go/v3"
)

const signedInAndroid = "signed_in"

type tracker struct{ client segment.Client }

func (t tracker) trackEvent(name string, properties segment.Properties) {
	t.client.Enqueue(segment.Track{UserId: "u1", Event: name, Properties: properties}) // a declared wrapper's body
}

func Done(client segment.Client, orderID string, state string) {
	t := tracker{client}
	client.Enqueue(segment.Track{UserId: "u1", Event: "Order Completed", Properties: segment.Properties{"order_id": orderID, "currency": "EUR", "total": 3.5}}) // sends: Order Completed
	client.Enqueue(segment.Track{UserId: "u1", Event: string(events.OrderCompleted), Properties: segment.NewProperties().Set("order_id", orderID).SetCurrency("EUR").SetTotal(2)}) // sends: Order Completed
	client.Enqueue(segment.Track{UserId: "u1", Event: string(events.OrderCompleted), Properties: segment.NewProperties().SetOrderId(orderID).SetCurrency("EUR").SetTotal(2)}) // sends: Order Completed  expect: PS202
	client.Enqueue(&segment.Track{UserId: "u1", Event: string(events.SignedIn), Properties: map[string]interface{}{"method": "sso"}}) // sends: Signed In
	client.Enqueue(segment.Track{UserId: "u1", Event: signedInAndroid}) // sends: Signed In  expect: PS103
	client.Enqueue(segment.Track{UserId: "u1", Event: "Order Completed", Properties: segment.Properties{"order_id": orderID, "total": 1}}) // sends: Order Completed  expect: PS205
	client.Enqueue(segment.Track{UserId: "u1", Event: "Order Completed", Properties: segment.Properties{"order_id": orderID, "currency": "EUR", "total": true}}) // sends: Order Completed  expect: PS203
	client.Enqueue(segment.Track{UserId: "u1", Event: fmt.Sprintf("Order %s", state)}) // expect: PS101
	client.Enqueue(segment.Track{UserId: "u1", Event: "Coupon Applied"}) // sends: Coupon Applied  expect: PS102
	client.Enqueue(segment.Identify{UserId: "u1", Traits: segment.NewTraits().SetEmail("ann@example.com").Set("age", 30)}) // sends: identify
	client.Enqueue(segment.Group{UserId: "u1", GroupId: "acme", Traits: segment.Traits{"name": "Acme"}}) // sends: group
	client.Enqueue(segment.Page{UserId: "u1", Name: "Pricing"}) // sends: page "Pricing"
	t.trackEvent("Product Viewed", segment.Properties{"product_id": "p1"}) // sends: Product Viewed
	gen := tracking.New(client)
	_ = gen.OrderCompleted(tracking.Call{UserId: "u1"}, tracking.OrderCompletedProperties{}) // sends: Order Completed  (a struct: its compiler checks it)
	_ = gen.OrderCompleted(tracking.Call{UserId: "u1"}, tracking.OrderCompletedProperties{OrderId: orderID}) // sends: Order Completed
	_ = gen.PagePricing(tracking.Call{UserId: "u1"}, tracking.PagePricingProperties{"tier": 1}) // sends: page "Pricing"  expect: PS201
	// client.Enqueue(segment.Track{Event: "Commented Out"})
	text := "segment.Track{Event: \"Inside A String\"}"
	fmt.Println(text)
}
