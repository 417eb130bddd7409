// What record and leaderboard views need of key links: the GitHub login of each key.

/** Looks up the GitHub logins linked to key fingerprints (KeysService). */
export interface LoginLookup {
  loginsOf(fingerprints: string[]): Promise<Map<string, string>>;
}
