// Conformance check of the emulator (src/emulator/) against DigitalOcean's official Go client, godo
// (Debian's golang-github-digitalocean-godo-dev, godo 1.37). godo sends the requests it sends to the
// real API and decodes the answers as it decodes the real API's; every check prints one line, `ok NAME`
// or `FAIL NAME: why`, and the program exits 1 if any check failed (2 on bad usage).
//
// Usage: conformance BASE_URL TOKEN   (or GODO_BASE_URL and GODO_TOKEN in the environment)
//
// The account must hold at least two droplets tagged `web` and one tagged `db` (and no GPU droplet among
// them); it may hold other firewalls. Everything the program creates starts with `godo-`.
//
// The emulator reads all-ports and ICMP ports back as "0" and returns every list in an order that
// changes between reads, so rules, tags and ids are compared as sets.
//
// Build: GO111MODULE=off GOPATH=/usr/share/gocode go build -o conformance test/godo/conformance.go
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/digitalocean/godo"
	"golang.org/x/oauth2"
)

var (
	ctx      = context.Background()
	failures = 0
)

// check runs one named check and prints its line.
func check(name string, f func() error) bool {
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return f()
	}()
	if err != nil {
		failures++
		fmt.Printf("FAIL %s: %s\n", name, strings.ReplaceAll(err.Error(), "\n", " "))
		return false
	}
	fmt.Printf("ok %s\n", name)
	return true
}

func newClient(baseURL, token string) *godo.Client {
	httpClient := oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
	httpClient.Timeout = 10 * time.Second
	client, err := godo.New(httpClient, godo.SetBaseURL(baseURL), godo.SetUserAgent("fwc-conformance"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		os.Exit(2)
	}
	return client
}

// --- order-free comparison -----------------------------------------------------------------------

func sortedStrings(xs []string) string {
	c := append([]string(nil), xs...)
	sort.Strings(c)
	return strings.Join(c, ",")
}

func sortedInts(xs []int) string {
	c := append([]int(nil), xs...)
	sort.Ints(c)
	s := make([]string, len(c))
	for i, x := range c {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// ports as the API reads them back: all ports ("all", "0") and any ICMP rule are "0".
func readBackPorts(protocol, ports string) string {
	if protocol == "icmp" || ports == "all" || ports == "0" {
		return "0"
	}
	return ports
}

func targetKey(addresses, tags []string, droplets []int, lbs []string) string {
	return fmt.Sprintf("a=[%s] t=[%s] d=[%s] l=[%s]", sortedStrings(addresses), sortedStrings(tags), sortedInts(droplets), sortedStrings(lbs))
}

func inboundKey(r godo.InboundRule) string {
	s := r.Sources
	if s == nil {
		s = &godo.Sources{}
	}
	return fmt.Sprintf("in %s %s %s", r.Protocol, readBackPorts(r.Protocol, r.PortRange), targetKey(s.Addresses, s.Tags, s.DropletIDs, s.LoadBalancerUIDs))
}

func outboundKey(r godo.OutboundRule) string {
	d := r.Destinations
	if d == nil {
		d = &godo.Destinations{}
	}
	return fmt.Sprintf("out %s %s %s", r.Protocol, readBackPorts(r.Protocol, r.PortRange), targetKey(d.Addresses, d.Tags, d.DropletIDs, d.LoadBalancerUIDs))
}

func ruleKeys(in []godo.InboundRule, out []godo.OutboundRule) []string {
	keys := []string{}
	for _, r := range in {
		keys = append(keys, inboundKey(r))
	}
	for _, r := range out {
		keys = append(keys, outboundKey(r))
	}
	sort.Strings(keys)
	return keys
}

func sameRules(gotIn []godo.InboundRule, gotOut []godo.OutboundRule, wantIn []godo.InboundRule, wantOut []godo.OutboundRule) error {
	got, want := ruleKeys(gotIn, gotOut), ruleKeys(wantIn, wantOut)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		return fmt.Errorf("rules differ:\n got  %q\n want %q", got, want)
	}
	return nil
}

// sameFirewall compares what was read back with what was sent, order-free.
func sameFirewall(fw *godo.Firewall, want *godo.FirewallRequest) error {
	if fw == nil {
		return errors.New("no firewall in the response")
	}
	if fw.Name != want.Name {
		return fmt.Errorf("name %q, want %q", fw.Name, want.Name)
	}
	if sortedStrings(fw.Tags) != sortedStrings(want.Tags) {
		return fmt.Errorf("tags %v, want %v", fw.Tags, want.Tags)
	}
	if sortedInts(fw.DropletIDs) != sortedInts(want.DropletIDs) {
		return fmt.Errorf("droplet_ids %v, want %v", fw.DropletIDs, want.DropletIDs)
	}
	if fw.Status != "waiting" && fw.Status != "succeeded" {
		return fmt.Errorf("status %q, want waiting or succeeded", fw.Status)
	}
	if _, err := time.Parse(time.RFC3339, fw.Created); err != nil {
		return fmt.Errorf("created_at %q is not RFC 3339: %v", fw.Created, err)
	}
	return sameRules(fw.InboundRules, fw.OutboundRules, want.InboundRules, want.OutboundRules)
}

// --- errors --------------------------------------------------------------------------------------

// apiError checks that err is godo's decoded DigitalOcean error with the status, a message matching
// `message` (a substring; "" = any non-empty message) and the request id of the response header.
func apiError(err error, resp *godo.Response, status int, message string) error {
	if err == nil {
		return fmt.Errorf("no error, want %d", status)
	}
	var e *godo.ErrorResponse
	if !errors.As(err, &e) {
		return fmt.Errorf("error %T (%v), want *godo.ErrorResponse", err, err)
	}
	if e.Response == nil {
		return fmt.Errorf("the error carries no response: %v", err)
	}
	if e.Response.StatusCode != status {
		return fmt.Errorf("status %d, want %d (%v)", e.Response.StatusCode, status, err)
	}
	if resp == nil || resp.Response == nil || resp.StatusCode != status {
		return fmt.Errorf("godo returned no *godo.Response with status %d", status)
	}
	if message == "" && e.Message == "" {
		return fmt.Errorf("the error has no message: %v", err)
	}
	if !strings.Contains(e.Message, message) {
		return fmt.Errorf("message %q does not contain %q", e.Message, message)
	}
	header := e.Response.Header.Get("X-Request-Id")
	if e.RequestID == "" || e.RequestID != header {
		return fmt.Errorf("request id %q in the body, %q in the x-request-id header", e.RequestID, header)
	}
	return nil
}

func noContent(resp *godo.Response, err error) error {
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("status %d, want 204", resp.StatusCode)
	}
	return nil
}

func status(resp *godo.Response, want int) error {
	if resp == nil || resp.StatusCode != want {
		got := 0
		if resp != nil {
			got = resp.StatusCode
		}
		return fmt.Errorf("status %d, want %d", got, want)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func firewallIDs(fws []godo.Firewall) []string {
	ids := make([]string, len(fws))
	for i, f := range fws {
		ids[i] = f.ID
	}
	return ids
}

func dropletIDs(ds []godo.Droplet) []int {
	ids := make([]int, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return ids
}

// --- the run -------------------------------------------------------------------------------------

func main() {
	baseURL, token := os.Getenv("GODO_BASE_URL"), os.Getenv("GODO_TOKEN")
	if len(os.Args) > 1 {
		baseURL = os.Args[1]
	}
	if len(os.Args) > 2 {
		token = os.Args[2]
	}
	if baseURL == "" || token == "" {
		fmt.Fprintln(os.Stderr, "usage: conformance BASE_URL TOKEN (or GODO_BASE_URL and GODO_TOKEN)")
		os.Exit(2)
	}
	client := newClient(baseURL, token)
	fws, tags, droplets := client.Firewalls, client.Tags, client.Droplets

	// Rate-limit headers: RateLimit-Limit/-Remaining/-Reset decoded into resp.Rate and client.Rate;
	// every request counts, so Remaining goes down by one.
	check("rate-limit", func() error {
		_, first, err := tags.List(ctx, nil)
		if err != nil {
			return err
		}
		_, second, err := tags.List(ctx, nil)
		if err != nil {
			return err
		}
		r := second.Rate
		if r.Limit <= 0 || r.Remaining < 0 || r.Remaining > r.Limit {
			return fmt.Errorf("rate %+v: want 0 <= remaining <= limit, limit > 0", r)
		}
		if r.Remaining != first.Rate.Remaining-1 {
			return fmt.Errorf("remaining %d after %d, want one less", r.Remaining, first.Rate.Remaining)
		}
		now := time.Now()
		if r.Reset.Before(now.Add(-2*time.Second)) || r.Reset.After(now.Add(time.Hour+time.Minute)) {
			return fmt.Errorf("reset %v is not within the hour after %v", r.Reset, now)
		}
		if client.Rate != r {
			return fmt.Errorf("client.Rate %+v, want the last response's %+v", client.Rate, r)
		}
		return nil
	})

	// The seed: droplets by tag, and all droplets across pages.
	var webIDs, dbIDs []int
	check("droplets-list-by-tag", func() error {
		web, resp, err := droplets.ListByTag(ctx, "web", nil)
		if err != nil {
			return err
		}
		if resp.Meta == nil || resp.Meta.Total != len(web) {
			return fmt.Errorf("meta %+v for %d droplets", resp.Meta, len(web))
		}
		db, _, err := droplets.ListByTag(ctx, "db", nil)
		if err != nil {
			return err
		}
		webIDs, dbIDs = dropletIDs(web), dropletIDs(db)
		if len(webIDs) < 2 || len(dbIDs) < 1 {
			return fmt.Errorf("the account needs two droplets tagged web and one tagged db; found %v and %v", webIDs, dbIDs)
		}
		for _, d := range append(web, db...) {
			if d.Name == "" || d.Region == nil || d.Region.Slug == "" || d.Size == nil || d.Image == nil || d.Networks == nil {
				return fmt.Errorf("droplet %d decoded incompletely: %+v", d.ID, d)
			}
		}
		for _, d := range web {
			if !contains(d.Tags, "web") {
				return fmt.Errorf("droplet %d listed by tag web has tags %v", d.ID, d.Tags)
			}
		}
		return nil
	})
	check("droplets-list", func() error {
		opt := &godo.ListOptions{Page: 1, PerPage: 1}
		seen := map[int]bool{}
		total := -1
		for pages := 0; ; pages++ {
			if pages > 1000 {
				return errors.New("pagination does not end")
			}
			list, resp, err := droplets.List(ctx, opt)
			if err != nil {
				return err
			}
			for _, d := range list {
				if seen[d.ID] {
					return fmt.Errorf("droplet %d listed twice", d.ID)
				}
				seen[d.ID] = true
				if _, err := d.PrivateIPv4(); err != nil {
					return fmt.Errorf("droplet %d: %v", d.ID, err)
				}
			}
			if resp.Meta == nil {
				return errors.New("no meta in a droplet list")
			}
			total = resp.Meta.Total
			if resp.Links == nil || resp.Links.IsLastPage() {
				break
			}
			opt.Page++
		}
		if len(seen) != total {
			return fmt.Errorf("%d droplets listed, meta.total %d", len(seen), total)
		}
		for _, id := range append(append([]int{}, webIDs...), dbIDs...) {
			if !seen[id] {
				return fmt.Errorf("droplet %d (from list by tag) not in the list", id)
			}
		}
		return nil
	})

	// Tags.
	check("tags-create", func() error {
		for _, name := range []string{"godo-app", "godo-extra"} {
			tag, resp, err := tags.Create(ctx, &godo.TagCreateRequest{Name: name})
			if err != nil {
				return err
			}
			if err := status(resp, http.StatusCreated); err != nil {
				return err
			}
			if tag == nil || tag.Name != name || tag.Resources == nil {
				return fmt.Errorf("created tag %+v, want %s with resources", tag, name)
			}
		}
		return nil
	})
	check("tags-create-existing", func() error {
		// Tags are case-insensitive and keep their first spelling.
		tag, _, err := tags.Create(ctx, &godo.TagCreateRequest{Name: "GODO-APP"})
		if err != nil {
			return err
		}
		if tag == nil || tag.Name != "godo-app" {
			return fmt.Errorf("got %+v, want the existing tag godo-app", tag)
		}
		return nil
	})
	check("tags-invalid", func() error {
		_, resp, err := tags.Create(ctx, &godo.TagCreateRequest{Name: "not a tag"})
		var e *godo.ErrorResponse
		if !errors.As(err, &e) {
			return fmt.Errorf("error %T (%v), want *godo.ErrorResponse", err, err)
		}
		// The tag 400 has the other error shape ({error, messages, root_causes}): no `message` for godo.
		return status(resp, http.StatusBadRequest)
	})
	check("tags-get", func() error {
		tag, _, err := tags.Get(ctx, "web")
		if err != nil {
			return err
		}
		if tag.Name != "web" || tag.Resources == nil || tag.Resources.Droplets == nil {
			return fmt.Errorf("tag %+v", tag)
		}
		if tag.Resources.Droplets.Count != len(webIDs) || tag.Resources.Count < len(webIDs) {
			return fmt.Errorf("tag web counts %d droplets (%d resources), want %d", tag.Resources.Droplets.Count, tag.Resources.Count, len(webIDs))
		}
		return nil
	})
	check("tags-list", func() error {
		opt := &godo.ListOptions{Page: 1, PerPage: 2}
		names := []string{}
		for {
			list, resp, err := tags.List(ctx, opt)
			if err != nil {
				return err
			}
			for _, t := range list {
				names = append(names, t.Name)
			}
			if resp.Links == nil || resp.Links.IsLastPage() {
				if resp.Meta == nil || resp.Meta.Total != len(names) {
					return fmt.Errorf("%d tags listed, meta %+v", len(names), resp.Meta)
				}
				break
			}
			opt.Page++
		}
		for _, want := range []string{"web", "db", "godo-app", "godo-extra"} {
			if !contains(names, want) {
				return fmt.Errorf("tag %s not in %v", want, names)
			}
		}
		return nil
	})

	// Firewalls: create with every protocol, tags and droplets.
	allV4 := []string{"0.0.0.0/0", "::/0"}
	want := &godo.FirewallRequest{
		Name: "godo-main",
		InboundRules: []godo.InboundRule{
			{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: []string{"203.0.113.0/24", "2001:db8::/32"}}},
			{Protocol: "tcp", PortRange: "8000-9000", Sources: &godo.Sources{Tags: []string{"web"}, DropletIDs: dbIDs}},
			{Protocol: "udp", PortRange: "53", Sources: &godo.Sources{DropletIDs: webIDs}},
			// godo sends no `ports` for an ICMP rule (omitempty); the API reads it back as "0".
			{Protocol: "icmp", Sources: &godo.Sources{Addresses: allV4}},
		},
		OutboundRules: []godo.OutboundRule{
			{Protocol: "tcp", PortRange: "all", Destinations: &godo.Destinations{Addresses: allV4}},
			{Protocol: "udp", PortRange: "1-65535", Destinations: &godo.Destinations{Addresses: allV4}},
			{Protocol: "icmp", Destinations: &godo.Destinations{Addresses: allV4}},
		},
		Tags:       []string{"godo-app"},
		DropletIDs: dbIDs,
	}
	var mainID string
	if !check("create", func() error {
		fw, resp, err := fws.Create(ctx, want)
		if err != nil {
			return err
		}
		if err := status(resp, http.StatusAccepted); err != nil {
			return err
		}
		if fw == nil || fw.ID == "" {
			return fmt.Errorf("no id in %+v", fw)
		}
		mainID = fw.ID
		if err := sameFirewall(fw, want); err != nil {
			return err
		}
		for _, r := range fw.InboundRules {
			if r.Protocol == "icmp" && r.PortRange != "0" {
				return fmt.Errorf("icmp rule read back with ports %q, want \"0\"", r.PortRange)
			}
		}
		for _, r := range fw.OutboundRules {
			if r.Protocol == "tcp" && r.PortRange != "0" {
				return fmt.Errorf("all-ports tcp rule read back with ports %q, want \"0\"", r.PortRange)
			}
		}
		for _, p := range fw.PendingChanges {
			if p.DropletID == 0 || p.Status == "" {
				return fmt.Errorf("pending change %+v", p)
			}
		}
		return nil
	}) {
		fmt.Println("FAIL stopped: nothing to go on without the created firewall")
		os.Exit(1)
	}

	// A change is applied to the droplets in the background: waiting with pending changes, then succeeded.
	check("status-settles", func() error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			fw, _, err := fws.Get(ctx, mainID)
			if err != nil {
				return err
			}
			if fw.Status == "succeeded" {
				if len(fw.PendingChanges) != 0 {
					return fmt.Errorf("succeeded with pending changes %+v", fw.PendingChanges)
				}
				return nil
			}
			if fw.Status != "waiting" || len(fw.PendingChanges) == 0 {
				return fmt.Errorf("status %q with pending changes %+v", fw.Status, fw.PendingChanges)
			}
			if time.Now().After(deadline) {
				return errors.New("still waiting after 10 s")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	created := []string{mainID}
	check("create-more", func() error {
		for i := 1; i <= 5; i++ {
			fw, _, err := fws.Create(ctx, &godo.FirewallRequest{
				Name:         fmt.Sprintf("godo-page-%d", i),
				InboundRules: []godo.InboundRule{{Protocol: "tcp", PortRange: fmt.Sprint(1000 + i), Sources: &godo.Sources{Tags: []string{"godo-extra"}}}},
			})
			if err != nil {
				return err
			}
			created = append(created, fw.ID)
		}
		return nil
	})

	check("list-pages", func() error {
		const perPage = 3
		opt := &godo.ListOptions{Page: 1, PerPage: perPage}
		seen := map[string]bool{}
		pages, total := 0, -1
		for {
			list, resp, err := fws.List(ctx, opt)
			if err != nil {
				return err
			}
			pages++
			if resp.Links == nil || resp.Meta == nil {
				return fmt.Errorf("page %d has no links or meta", opt.Page)
			}
			current, err := resp.Links.CurrentPage()
			if err != nil {
				return err
			}
			if current != opt.Page {
				return fmt.Errorf("links say page %d, asked for %d", current, opt.Page)
			}
			if len(list) > perPage || (len(list) < perPage && !resp.Links.IsLastPage()) {
				return fmt.Errorf("page %d holds %d firewalls", opt.Page, len(list))
			}
			for _, f := range list {
				if seen[f.ID] {
					return fmt.Errorf("firewall %s on two pages", f.ID)
				}
				seen[f.ID] = true
			}
			if total >= 0 && resp.Meta.Total != total {
				return fmt.Errorf("meta.total changed from %d to %d", total, resp.Meta.Total)
			}
			total = resp.Meta.Total
			if resp.Links.IsLastPage() {
				break
			}
			if pages > 100 {
				return errors.New("pagination does not end")
			}
			// Follow the next link as given.
			next, err := url.Parse(resp.Links.Pages.Next)
			if err != nil {
				return fmt.Errorf("next link %q: %v", resp.Links.Pages.Next, err)
			}
			page, err := strconv.Atoi(next.Query().Get("page"))
			if err != nil || page != opt.Page+1 {
				return fmt.Errorf("next link %q after page %d", resp.Links.Pages.Next, opt.Page)
			}
			opt.Page = page
		}
		if len(seen) != total {
			return fmt.Errorf("%d firewalls listed, meta.total %d", len(seen), total)
		}
		if want := (total + perPage - 1) / perPage; pages != want || pages < 2 {
			return fmt.Errorf("%d pages for %d firewalls at %d a page, want %d (at least 2)", pages, total, perPage, want)
		}
		for _, id := range created {
			if !seen[id] {
				return fmt.Errorf("created firewall %s not listed", id)
			}
		}
		return nil
	})

	check("get", func() error {
		fw, resp, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		if err := status(resp, http.StatusOK); err != nil {
			return err
		}
		if fw.ID != mainID {
			return fmt.Errorf("id %s, want %s", fw.ID, mainID)
		}
		return sameFirewall(fw, want)
	})

	// PUT replaces the whole firewall: godo sends `droplet_ids: null`, which clears them.
	updated := &godo.FirewallRequest{
		Name: "godo-main-renamed",
		InboundRules: []godo.InboundRule{
			{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: []string{"198.51.100.7"}}},
			{Protocol: "udp", PortRange: "5000-5100", Sources: &godo.Sources{Tags: []string{"godo-app", "db"}}},
			{Protocol: "icmp", Sources: &godo.Sources{Tags: []string{"web"}}},
		},
		OutboundRules: []godo.OutboundRule{
			{Protocol: "tcp", PortRange: "443", Destinations: &godo.Destinations{Addresses: allV4}},
		},
		Tags: []string{"godo-app", "web"},
	}
	check("update", func() error {
		fw, resp, err := fws.Update(ctx, mainID, updated)
		if err != nil {
			return err
		}
		if err := status(resp, http.StatusOK); err != nil {
			return err
		}
		if err := sameFirewall(fw, updated); err != nil {
			return fmt.Errorf("PUT response: %v", err)
		}
		got, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		if err := sameFirewall(got, updated); err != nil {
			return fmt.Errorf("read after PUT: %v", err)
		}
		return nil
	})

	extra := &godo.FirewallRulesRequest{
		InboundRules: []godo.InboundRule{
			{Protocol: "tcp", PortRange: "443", Sources: &godo.Sources{Addresses: allV4}},
			{Protocol: "icmp", Sources: &godo.Sources{Addresses: []string{"192.0.2.0/24"}}},
		},
		OutboundRules: []godo.OutboundRule{
			{Protocol: "udp", PortRange: "123", Destinations: &godo.Destinations{Addresses: allV4}},
		},
	}
	check("add-rules", func() error {
		if err := noContent(fws.AddRules(ctx, mainID, extra)); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		return sameRules(fw.InboundRules, fw.OutboundRules,
			append(append([]godo.InboundRule{}, updated.InboundRules...), extra.InboundRules...),
			append(append([]godo.OutboundRule{}, updated.OutboundRules...), extra.OutboundRules...))
	})
	check("remove-rules", func() error {
		if err := noContent(fws.RemoveRules(ctx, mainID, extra)); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		return sameRules(fw.InboundRules, fw.OutboundRules, updated.InboundRules, updated.OutboundRules)
	})

	check("add-tags", func() error {
		if err := noContent(fws.AddTags(ctx, mainID, "godo-extra", "db")); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		if got, want := sortedStrings(fw.Tags), sortedStrings([]string{"godo-app", "web", "godo-extra", "db"}); got != want {
			return fmt.Errorf("tags %s, want %s", got, want)
		}
		return nil
	})
	check("remove-tags", func() error {
		if err := noContent(fws.RemoveTags(ctx, mainID, "godo-extra", "db")); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		if got, want := sortedStrings(fw.Tags), sortedStrings(updated.Tags); got != want {
			return fmt.Errorf("tags %s, want %s", got, want)
		}
		return nil
	})

	// Droplets: the firewall applies to the droplets it names and to those carrying its tags.
	listByDroplet := func(id int) ([]string, error) {
		list, resp, err := fws.ListByDroplet(ctx, id, &godo.ListOptions{PerPage: 50})
		if err != nil {
			return nil, err
		}
		if resp.Meta == nil || resp.Meta.Total != len(list) {
			return nil, fmt.Errorf("meta %+v for %d firewalls", resp.Meta, len(list))
		}
		return firewallIDs(list), nil
	}
	check("add-droplets", func() error {
		if err := noContent(fws.AddDroplets(ctx, mainID, dbIDs...)); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		if got, want := sortedInts(fw.DropletIDs), sortedInts(dbIDs); got != want {
			return fmt.Errorf("droplet_ids %s, want %s", got, want)
		}
		return nil
	})
	check("list-by-droplet", func() error {
		byTag, err := listByDroplet(webIDs[0])
		if err != nil {
			return err
		}
		if !contains(byTag, mainID) {
			return fmt.Errorf("droplet %d (tag web) is under %v, not under %s", webIDs[0], byTag, mainID)
		}
		byID, err := listByDroplet(dbIDs[0])
		if err != nil {
			return err
		}
		if !contains(byID, mainID) {
			return fmt.Errorf("droplet %d (named) is under %v, not under %s", dbIDs[0], byID, mainID)
		}
		return nil
	})
	check("list-by-droplet-missing", func() error {
		_, resp, err := fws.ListByDroplet(ctx, 999999, nil)
		return apiError(err, resp, http.StatusNotFound, "")
	})
	check("remove-droplets", func() error {
		if err := noContent(fws.RemoveDroplets(ctx, mainID, dbIDs...)); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		if len(fw.DropletIDs) != 0 {
			return fmt.Errorf("droplet_ids %v, want none", fw.DropletIDs)
		}
		under, err := listByDroplet(dbIDs[0])
		if err != nil {
			return err
		}
		if contains(under, mainID) {
			return fmt.Errorf("droplet %d is still under %s", dbIDs[0], mainID)
		}
		return nil
	})

	// Errors, decoded by godo as *godo.ErrorResponse with DigitalOcean's message and request id.
	check("error-422-name", func() error {
		_, resp, err := fws.Create(ctx, &godo.FirewallRequest{
			Name:         "godo_bad name",
			InboundRules: []godo.InboundRule{{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: allV4}}},
		})
		return apiError(err, resp, http.StatusUnprocessableEntity, "name")
	})
	check("error-422-ports", func() error {
		_, resp, err := fws.Create(ctx, &godo.FirewallRequest{
			Name:         "godo-no-ports",
			InboundRules: []godo.InboundRule{{Protocol: "tcp", Sources: &godo.Sources{Addresses: allV4}}},
		})
		return apiError(err, resp, http.StatusUnprocessableEntity, "You must specify a positive value for ports.")
	})
	check("error-422-no-rules", func() error {
		// godo sends `"inbound_rules": null, "outbound_rules": null` for a request without rules.
		_, resp, err := fws.Create(ctx, &godo.FirewallRequest{Name: "godo-no-rules", Tags: []string{"godo-app"}})
		return apiError(err, resp, http.StatusUnprocessableEntity, "at least one")
	})
	check("error-422-too-many-rules", func() error {
		many := &godo.FirewallRulesRequest{}
		for i := 0; i < 50; i++ {
			many.InboundRules = append(many.InboundRules, godo.InboundRule{Protocol: "tcp", PortRange: fmt.Sprint(20000 + i), Sources: &godo.Sources{Addresses: allV4}})
		}
		resp, err := fws.AddRules(ctx, mainID, many)
		if err := apiError(err, resp, http.StatusUnprocessableEntity, "50 rules"); err != nil {
			return err
		}
		fw, _, err := fws.Get(ctx, mainID)
		if err != nil {
			return err
		}
		// A refused request changes nothing.
		return sameRules(fw.InboundRules, fw.OutboundRules, updated.InboundRules, updated.OutboundRules)
	})
	check("error-duplicate-name", func() error {
		_, resp, err := fws.Create(ctx, &godo.FirewallRequest{
			Name:         "godo-page-1",
			InboundRules: []godo.InboundRule{{Protocol: "tcp", PortRange: "22", Sources: &godo.Sources{Addresses: allV4}}},
		})
		// Seen as 409 and as 422 (DO-API-FACTS.md 2).
		code := http.StatusConflict
		if resp != nil && resp.StatusCode == http.StatusUnprocessableEntity {
			code = http.StatusUnprocessableEntity
		}
		return apiError(err, resp, code, "duplicate name")
	})
	check("error-401", func() error {
		_, resp, err := newClient(baseURL, "not-a-token").Firewalls.List(ctx, nil)
		return apiError(err, resp, http.StatusUnauthorized, "Unable to authenticate you.")
	})

	// Delete, then the firewall is gone: 404 with a message and a request id, rate headers still there.
	check("delete", func() error {
		for _, id := range created {
			if err := noContent(fws.Delete(ctx, id)); err != nil {
				return fmt.Errorf("%s: %v", id, err)
			}
		}
		return nil
	})
	check("get-after-delete", func() error {
		fw, resp, err := fws.Get(ctx, mainID)
		if fw != nil {
			return fmt.Errorf("got %+v after delete", fw)
		}
		if err := apiError(err, resp, http.StatusNotFound, ""); err != nil {
			return err
		}
		if resp.Rate.Limit <= 0 {
			return fmt.Errorf("no rate limit headers on the 404 (%+v)", resp.Rate)
		}
		return nil
	})
	check("delete-again", func() error {
		resp, err := fws.Delete(ctx, mainID)
		return apiError(err, resp, http.StatusNotFound, "")
	})
	check("tags-delete", func() error {
		for _, name := range []string{"godo-app", "godo-extra"} {
			if err := noContent(tags.Delete(ctx, name)); err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
		}
		_, resp, err := tags.Get(ctx, "godo-app")
		return apiError(err, resp, http.StatusNotFound, "")
	})

	if failures > 0 {
		fmt.Printf("%d checks failed\n", failures)
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}
