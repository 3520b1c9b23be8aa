// Package ingest copies collaboration metadata from provider tenants (Google
// Workspace, Microsoft Graph, fixtures) into the dataset tables of SPEC §2.
//
// Privacy starts here: a Pseudonymizer turns every email address into a
// keyed, stable person id (HMAC-SHA256 of the canonical address under the
// organisation's secret key) before anything is written, and derives event and
// message ids from provider keys the same way, so raw addresses, iCalUIDs and
// Internet Message-IDs never reach the dataset. Subjects, bodies and
// descriptions are never requested or kept.
package ingest
