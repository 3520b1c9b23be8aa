// Package google reads Google Workspace metadata into the dataset: people
// from the Admin SDK Directory, event instances from Calendar v3 and
// message headers from Gmail v1, through the official Go clients
// (google.golang.org/api) and a service account with domain-wide
// delegation (one token source per impersonated user).
//
// It asks only for metadata: read-only scopes (Scopes), an explicit fields
// mask on every Calendar and Gmail call (never summary, description,
// location or snippet), Gmail format=metadata with a header allow-list
// (never Subject). The gmail.metadata scope forbids the q parameter, so
// Gmail labels are paged newest first and paging stops at the window start.
//
// Source limits (what Google's APIs cannot give): working hours (people
// rows carry none, so analysis applies its defaults), Google Chat (not
// read), and title classes (titles are not requested, so title_class is
// null).
package google
