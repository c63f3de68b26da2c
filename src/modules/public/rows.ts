// The filter both public-register repositories take (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): types only, so neither implementation imports the other for it.

export interface PublicAgencyFilter { regionCode?: string | undefined, name?: string | undefined, domain?: string | undefined }
