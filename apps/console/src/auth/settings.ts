/** What GET /console/config.json tells the console before sign-in (apps/api/src/console/serve-console.ts). */
export interface ConsoleSettings {
  oidc: { issuer: string; clientId: string } | null;
  devSignIn: boolean;
  maxKeyLifetimeDays: number;
  auditEnabled: boolean;
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const response = await fetch('/console/config.json', { credentials: 'omit', cache: 'no-store' });
  if (!response.ok) throw new Error(`The console settings could not be read (HTTP ${response.status}).`);
  return (await response.json()) as ConsoleSettings;
}
