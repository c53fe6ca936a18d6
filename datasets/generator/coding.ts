import { demoCase, system, user, type AssertionInput, type DemoCase } from './demo-case.js';

const CODING_PERSONA =
  'You are Kestrel\u2019s developer assistant inside the Kestrel dev portal. Answer with working code in a single fenced block and at most two sentences of explanation.';

interface Task {
  slug: string;
  prompts: [string, string];
  assertions: AssertionInput[];
  correct: string;
  wrong: string;
}

const fence = (lang: string, code: string) => `\`\`\`${lang}\n${code}\n\`\`\``;

const TASKS: Task[] = [
  {
    slug: 'leap-year-py',
    prompts: ['Write a Python function is_leap_year(year) that returns True for leap years.', 'python: need is_leap_year(year) -> bool, Gregorian rules please'],
    assertions: [
      { type: 'regex', pattern: 'def\\s+is_leap_year\\s*\\(\\s*year', weight: 1 },
      { type: 'contains', values: ['% 400', '% 100', '% 4'], mode: 'all', case_sensitive: true, weight: 2 },
    ],
    correct: fence('python', 'def is_leap_year(year: int) -> bool:\n    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)') + '\nCenturies are leap years only when divisible by 400.',
    wrong: fence('python', 'def is_leap_year(year: int) -> bool:\n    return year % 4 == 0') + '\nEvery fourth year is a leap year.',
  },
  {
    slug: 'chunk-ts',
    prompts: ['Write a TypeScript function chunk<T>(items: T[], size: number): T[][] that splits an array into chunks.', 'TS helper: split an array into batches of N (generic chunk function) so I can send deploy events 50 at a time.'],
    assertions: [
      { type: 'regex', pattern: 'function\\s+chunk\\s*<\\s*T\\s*>', weight: 1 },
      { type: 'contains', values: ['slice(i, i + size)'], mode: 'all', case_sensitive: true, weight: 2 },
    ],
    correct: fence('ts', 'export function chunk<T>(items: T[], size: number): T[][] {\n  if (size <= 0) throw new RangeError(\'size must be positive\');\n  const out: T[][] = [];\n  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));\n  return out;\n}'),
    wrong: fence('ts', 'export function chunk<T>(items: T[], size: number): T[][] {\n  const out: T[][] = [];\n  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, size));\n  return out;\n}'),
  },
  {
    slug: 'retry-backoff-ts',
    prompts: ['Write a TypeScript async retry(fn, maxAttempts) helper with exponential backoff between attempts.', 'Our Kestrel API calls sometimes get 503. Give me a TS retry wrapper with exponential backoff.'],
    assertions: [
      { type: 'regex', pattern: '2\\s*\\*\\*\\s*attempt|Math\\.pow\\(\\s*2', weight: 2 },
      { type: 'contains', values: ['await'], mode: 'all', case_sensitive: true, weight: 1 },
    ],
    correct: fence('ts', 'export async function retry<T>(fn: () => Promise<T>, maxAttempts = 5, baseMs = 200): Promise<T> {\n  for (let attempt = 0; ; attempt++) {\n    try {\n      return await fn();\n    } catch (error) {\n      if (attempt + 1 >= maxAttempts) throw error;\n      await new Promise((r) => setTimeout(r, baseMs * 2 ** attempt));\n    }\n  }\n}'),
    wrong: fence('ts', 'export async function retry<T>(fn: () => Promise<T>, maxAttempts = 5): Promise<T> {\n  for (let attempt = 0; ; attempt++) {\n    try {\n      return await fn();\n    } catch (error) {\n      if (attempt + 1 >= maxAttempts) throw error;\n      await new Promise((r) => setTimeout(r, 1000));\n    }\n  }\n}'),
  },
  {
    slug: 'monthly-revenue-sql',
    prompts: ['SQL (Postgres): monthly revenue per plan from invoices(id, plan, amount_cents, paid_at).', 'Write a Postgres query that sums amount_cents by month and plan from the invoices table, newest month first.'],
    assertions: [
      { type: 'regex', pattern: "date_trunc\\(\\s*'month'", flags: 'i', weight: 1 },
      { type: 'contains', values: ['GROUP BY', 'SUM(amount_cents)'], mode: 'all', case_sensitive: false, weight: 2 },
    ],
    correct: fence('sql', "SELECT date_trunc('month', paid_at) AS month, plan, SUM(amount_cents) / 100.0 AS revenue\nFROM invoices\nWHERE paid_at IS NOT NULL\nGROUP BY 1, 2\nORDER BY 1 DESC, 2;"),
    wrong: fence('sql', "SELECT date_trunc('month', paid_at) AS month, plan, amount_cents / 100.0 AS revenue\nFROM invoices\nORDER BY 1 DESC;"),
  },
  {
    slug: 'off-by-one',
    prompts: ['Fix the off-by-one: for (let i = 0; i <= items.length; i++) { total += items[i].price; }', 'This loop adds NaN to my total at the end, why? for (let i = 0; i <= items.length; i++) { total += items[i].price; }'],
    assertions: [
      { type: 'contains', values: ['i < items.length'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'not_contains', values: ['i <= items.length;'], case_sensitive: true, weight: 1 },
    ],
    correct: fence('ts', 'for (let i = 0; i < items.length; i++) {\n  total += items[i].price;\n}') + '\nThe last index is items.length - 1, so the loop must stop before items.length.',
    wrong: fence('ts', 'for (let i = 1; i <= items.length; i++) {\n  total += items[i - 1].price ?? 0;\n}') + '\nStart at 1 so the indexes line up.',
  },
  {
    slug: 'debounce-ts',
    prompts: ['Implement a typed debounce(fn, waitMs) in TypeScript.', 'I need a TS debounce for the search box in our dashboard, no lodash.'],
    assertions: [
      { type: 'contains', values: ['clearTimeout', 'setTimeout'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'regex', pattern: 'function\\s+debounce', weight: 1 },
    ],
    correct: fence('ts', 'export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return (...args: A) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), waitMs);\n  };\n}'),
    wrong: fence('ts', 'export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number) {\n  return (...args: A) => {\n    setTimeout(() => fn(...args), waitMs);\n  };\n}'),
  },
  {
    slug: 'fetch-timeout-ts',
    prompts: ['Write fetchWithTimeout(url, ms) in TypeScript that aborts the request after ms milliseconds.', 'How do I make fetch() give up after 5 seconds in Node 20? Give me a reusable function.'],
    assertions: [
      { type: 'contains', values: ['AbortController', 'abort()'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'contains', values: ['clearTimeout'], mode: 'all', case_sensitive: true, weight: 1 },
    ],
    correct: fence('ts', 'export async function fetchWithTimeout(url: string, ms: number, init: RequestInit = {}): Promise<Response> {\n  const controller = new AbortController();\n  const timer = setTimeout(() => controller.abort(), ms);\n  try {\n    return await fetch(url, { ...init, signal: controller.signal });\n  } finally {\n    clearTimeout(timer);\n  }\n}'),
    wrong: fence('ts', 'export async function fetchWithTimeout(url: string, ms: number): Promise<Response> {\n  return Promise.race([fetch(url), new Promise<Response>((_, reject) => setTimeout(() => reject(new Error(\'timeout\')), ms))]);\n}'),
  },
  {
    slug: 'paginate-deployments-ts',
    prompts: ['Using the Kestrel REST API (GET /v1/deployments?cursor=..., response {data, next_cursor}), write a TS function that fetches all deployments.', 'Write an async generator that pages through /v1/deployments until next_cursor is null.'],
    assertions: [
      { type: 'contains', values: ['next_cursor'], mode: 'all', case_sensitive: true, weight: 1 },
      { type: 'regex', pattern: 'while\\s*\\(|do\\s*\\{', weight: 2 },
    ],
    correct: fence('ts', "export async function* allDeployments(token: string) {\n  let cursor: string | null = null;\n  do {\n    const url = new URL('https://api.kestrel.dev/v1/deployments');\n    if (cursor) url.searchParams.set('cursor', cursor);\n    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });\n    const page = (await res.json()) as { data: unknown[]; next_cursor: string | null };\n    yield* page.data;\n    cursor = page.next_cursor;\n  } while (cursor);\n}"),
    wrong: fence('ts', "export async function allDeployments(token: string) {\n  const res = await fetch('https://api.kestrel.dev/v1/deployments', { headers: { authorization: `Bearer ${token}` } });\n  const page = await res.json();\n  return page.data; // next_cursor is handled by the server\n}"),
  },
  {
    slug: 'top-customers-sql',
    prompts: ['Postgres: top 5 customers by total spend from payments(customer_id, amount_cents).', 'Query for the five biggest spenders in payments(customer_id, amount_cents), largest first.'],
    assertions: [
      { type: 'regex', pattern: 'ORDER BY\\s+[^;]*DESC', flags: 'i', weight: 2 },
      { type: 'contains', values: ['LIMIT 5'], mode: 'all', case_sensitive: false, weight: 1 },
    ],
    correct: fence('sql', 'SELECT customer_id, SUM(amount_cents) AS total_cents\nFROM payments\nGROUP BY customer_id\nORDER BY total_cents DESC\nLIMIT 5;'),
    wrong: fence('sql', 'SELECT customer_id, SUM(amount_cents) AS total_cents\nFROM payments\nGROUP BY customer_id\nORDER BY total_cents\nLIMIT 5;'),
  },
  {
    slug: 'find-large-files',
    prompts: ['Shell command to list files over 100 MB under the current directory.', 'My build container is out of disk. One-liner to find files bigger than 100MB?'],
    assertions: [
      { type: 'contains', values: ['-size +100M'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'levenshtein', value: 'find . -type f -size +100M', threshold: 0.5, weight: 1 },
    ],
    reference: 'find . -type f -size +100M',
    correct: fence('sh', 'find . -type f -size +100M'),
    wrong: fence('sh', 'du -a . | sort -n -r | head -n 20'),
  } as Task & { reference: string },
  {
    slug: 'dockerfile-node',
    prompts: ['Write a minimal production Dockerfile for a Node 20 app that starts with `node server.js`.', 'Dockerfile for deploying our Express app (node 20, package-lock present) on Kestrel?'],
    assertions: [
      { type: 'contains', values: ['FROM node:20', 'npm ci'], mode: 'all', case_sensitive: false, weight: 2 },
      { type: 'regex', pattern: 'CMD\\s*\\[\\s*"node"', weight: 1 },
    ],
    correct: fence('dockerfile', 'FROM node:20-slim\nWORKDIR /app\nENV NODE_ENV=production\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]'),
    wrong: fence('dockerfile', 'FROM node:latest\nCOPY . .\nRUN npm install\nCMD npm start'),
  },
  {
    slug: 'csv-sum-py',
    prompts: ['Python: read usage.csv (columns project,gb) and print total GB per project.', 'Sum the gb column per project from a CSV with the standard library only.'],
    assertions: [
      { type: 'contains', values: ['csv.DictReader'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'regex', pattern: 'float\\(\\s*row\\[', weight: 1 },
    ],
    correct: fence('python', "import csv\nfrom collections import defaultdict\n\ntotals = defaultdict(float)\nwith open('usage.csv', newline='') as f:\n    for row in csv.DictReader(f):\n        totals[row['project']] += float(row['gb'])\nfor project, gb in sorted(totals.items()):\n    print(f'{project}: {gb:.2f} GB')"),
    wrong: fence('python', "totals = {}\nfor line in open('usage.csv'):\n    project, gb = line.split(',')\n    totals[project] = totals.get(project, 0) + gb\nprint(totals)"),
  },
  {
    slug: 'runes-go',
    prompts: ['Go: reverse a UTF-8 string correctly (emoji and accents must survive).', 'Write func Reverse(s string) string in Go that handles multi-byte characters.'],
    assertions: [
      { type: 'contains', values: ['[]rune'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'regex', pattern: 'func\\s+Reverse\\s*\\(\\s*s\\s+string\\s*\\)\\s*string', weight: 1 },
    ],
    correct: fence('go', 'func Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}'),
    wrong: fence('go', 'func Reverse(s string) string {\n\tb := []byte(s)\n\tfor i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {\n\t\tb[i], b[j] = b[j], b[i]\n\t}\n\treturn string(b)\n}'),
  },
  {
    slug: 'type-guard-ts',
    prompts: ['Write a TypeScript type guard isDeployment(x: unknown): x is Deployment where Deployment has id: string and status: "ready" | "failed".', 'TS: narrow an unknown webhook payload to our Deployment type {id: string; status: "ready" | "failed"}.'],
    assertions: [
      { type: 'regex', pattern: 'x\\s+is\\s+Deployment', weight: 2 },
      { type: 'contains', values: ["typeof"], mode: 'all', case_sensitive: true, weight: 1 },
    ],
    correct: fence('ts', "interface Deployment { id: string; status: 'ready' | 'failed' }\n\nexport function isDeployment(x: unknown): x is Deployment {\n  if (typeof x !== 'object' || x === null) return false;\n  const d = x as Record<string, unknown>;\n  return typeof d.id === 'string' && (d.status === 'ready' || d.status === 'failed');\n}"),
    wrong: fence('ts', "interface Deployment { id: string; status: 'ready' | 'failed' }\n\nexport function isDeployment(x: unknown): boolean {\n  return (x as Deployment).id !== undefined;\n}"),
  },
  {
    slug: 'dedupe-py',
    prompts: ['Python: remove duplicates from a list while keeping the original order.', 'Dedupe a list of deployment ids in Python but keep the first-seen order.'],
    assertions: [
      { type: 'regex', pattern: 'dict\\.fromkeys|seen', weight: 2 },
      { type: 'not_contains', values: ['list(set('], case_sensitive: true, weight: 1 },
    ],
    correct: fence('python', 'def dedupe(items):\n    return list(dict.fromkeys(items))') + '\nDicts keep insertion order, so the first occurrence wins.',
    wrong: fence('python', 'def dedupe(items):\n    return list(set(items))'),
  },
  {
    slug: 'git-undo-commit',
    prompts: ['git: undo my last commit but keep the changes in my working tree.', 'I committed too early. How do I uncommit the last commit without losing my edits?'],
    assertions: [
      { type: 'contains', values: ['git reset --soft HEAD~1'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'not_contains', values: ['--hard'], case_sensitive: true, weight: 1 },
    ],
    correct: fence('sh', 'git reset --soft HEAD~1') + '\nThe commit is undone and its changes stay staged.',
    wrong: fence('sh', 'git reset --hard HEAD~1') + '\nThis removes the last commit.',
  },
  {
    slug: 'kestrel-toml-health',
    prompts: ['In kestrel.toml, how do I configure an HTTP health check on /healthz every 10 seconds?', 'Give me the kestrel.toml section for a /healthz health check with a 10s interval.'],
    assertions: [
      { type: 'regex', pattern: '\\[\\s*health_check\\s*\\]', weight: 1 },
      { type: 'contains', values: ['path = "/healthz"', 'interval = "10s"'], mode: 'all', case_sensitive: true, weight: 2 },
    ],
    correct: fence('toml', '[health_check]\npath = "/healthz"\ninterval = "10s"\ntimeout = "2s"'),
    wrong: fence('toml', '[healthcheck]\nurl = "/healthz"\nevery = 10'),
  },
  {
    slug: 'semver-regex',
    prompts: ['Give me a JavaScript regex that matches a semantic version like 1.4.2 or 2.0.0-beta.1.', 'JS regex to validate semver strings (major.minor.patch with optional pre-release).'],
    assertions: [
      { type: 'contains', values: ['\\d+\\.\\d+\\.\\d+'], mode: 'all', case_sensitive: true, weight: 2 },
      { type: 'regex', pattern: '\\^', weight: 1 },
    ],
    correct: fence('js', 'const SEMVER = /^\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?$/;\nSEMVER.test(\'2.0.0-beta.1\'); // true'),
    wrong: fence('js', 'const SEMVER = /[0-9.]+/;\nSEMVER.test(\'2.0.0-beta.1\'); // true'),
  },
];

export function codingCases(): DemoCase[] {
  const cases: DemoCase[] = [];
  for (const t of TASKS) {
    t.prompts.forEach((prompt, i) => {
      const reference = (t as Task & { reference?: string }).reference;
      cases.push(
        demoCase({
          id: `coding-${t.slug}-${i + 1}`,
          intent: 'coding',
          messages: [system(CODING_PERSONA), user(prompt)],
          metadata: { task: t.slug, project: 'dev-portal' },
          ...(reference ? { reference } : { reference: t.correct }),
          assertions: t.assertions,
          correct: t.correct,
          wrong: t.wrong,
        }),
      );
    });
  }
  return cases;
}
