// Package msgraph is the Microsoft 365 connector: an ingest.Source that
// reads one tenant's metadata through Microsoft Graph v1.0 with the official
// msgraph-sdk-go, app-only (client secret, certificate or workload
// identity through azidentity).
//
//   - People: GET /users ($select, $expand=manager) and each mailbox's
//     mailboxSettings (time zone and working hours, SPEC §3; Windows zone
//     ids are mapped to IANA names with the CLDR table of package ics).
//     Function and level come from onPremisesExtensionAttributes.
//   - Calendar: GET /users/{id}/calendarView for the window, with Prefer
//     outlook.timezone="UTC", IdType="ImmutableId" and odata.maxpagesize on
//     every page, and a $select without subject, body or location. One
//     events row per instance (iCalUId + original start), rooms and other
//     resources left out.
//   - Mail: GET /users/{id}/mailFolders/sentitems/messages (and inbox),
//     addresses, dates, ids and the In-Reply-To, Auto-Submitted and
//     Precedence headers; one messages row per internetMessageId.
//
// Throttling: the SDK's retry handler retries 429, 503 and 504 honouring
// Retry-After (Config.MaxRetries), over a transport that caps requests in
// flight per mailbox (4) and for the app, and retries requests that get no
// answer within Config.RequestTimeout.
//
// JSON: users, calendarView and messages pages, nearly all of an ingest's
// requests and bytes, are sent through the SDK's request builders and
// request adapter like every other request, and their bodies decoded with
// json v2 straight into the selected properties (page.go, users.go), not
// into the SDK's models, which cost two-thirds of an ingest's CPU; the
// lists that are most of the bytes (attendees, recipients, headers) are
// read token by token. Tests read every page of their cases both ways.
// Mailbox settings and error bodies go through the SDK's models, parsed
// into its own parse-node tree by a faster factory (parse.go: jsontext
// tokens instead of encoding/json's Decoder.Token, kiota's parser for
// whatever it would read differently).
//
// Every row goes through the mapping functions of package synthetic
// (EventFromEntry, AttendanceFromEntry, MessageFromEntry, PersonFromUser),
// the same ones that define the generator's dataset, so a Graph ingest and
// the generator agree by construction wherever Graph carries the data.
//
// Build cost: this is the only package that links msgraph-sdk-go, and it
// imports only the SDK's users and models packages (never the root
// package, which links every Graph API area).
//
// Source limits (what a correct ingest cannot reproduce of a dataset):
// Graph has no event type, so focus-time blocks are meetings (kind focus
// never appears) while out-of-office and working-location blocks are known
// by their showAs; titles are never requested, so title_class is empty;
// Teams chat is not read (Chat_hours are 0). Events are keyed by iCalUId
// and originalStart, as the generator keys them; where a tenant gives each
// occurrence of a series its own iCalUId, series_id is per occurrence.
package msgraph
