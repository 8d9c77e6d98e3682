/** A user's role: what the route guards and the rate limits read from every principal. */
export enum Role {
  Admin = 'admin',
  User = 'user',
}
