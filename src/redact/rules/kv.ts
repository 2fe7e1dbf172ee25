/** Secrets recognised by their name: assignments, YAML/JSON/XML keys, headers, config files. */
import type { Gen } from "../gen.ts";
import { isPlausibleSecretValue, isSecretName } from "./names.ts";
import type { Rule, RuleSamples } from "./types.ts";

/** Words that start a secret-sounding name; the prefilter for every name-based rule. */
export const NAME_KEYWORDS = [
  "pass",
  "pwd",
  "psw",
  "_pw",
  "secret",
  "token",
  "credential",
  "apikey",
  "api_key",
  "api-key",
  "api.key",
  "accesskey",
  "access_key",
  "access-key",
  "privatekey",
  "private_key",
  "private-key",
  "_key",
  "-key",
  ".key",
  "authkey",
  "connectionstring",
  "signingkey",
  "encryptionkey",
  "masterkey",
  "sessionkey",
  "appkey",
  "licensekey",
  "clientkey",
];

function named(m: RegExpExecArray, allowBare = true): boolean {
  const name = m.groups?.name;
  return name !== undefined && isSecretName(name, allowBare);
}

function sampleSet(
  g: Gen,
  build: (name: string, secret: string) => string,
  fp: string[],
): RuleSamples {
  const names = [
    "DB_PASSWORD",
    "API_KEY",
    "GITHUB_TOKEN",
    "client_secret",
    "smtpPass",
    "app.secret.key",
  ];
  const tp = names.map((n) => {
    const secret = g.pick([() => g.password(16), () => g.alnum(32), () => g.b64url(40)])();
    return { text: build(n, secret), secrets: [secret] };
  });
  return { tp, fp };
}

export const kvRules: Rule[] = [
  {
    id: "secret-assignment",
    description:
      "NAME=value with a secret-looking name: shell export/env, .env, properties, INI, TOML, flags",
    keywords: NAME_KEYWORDS,
    needs: ["="],
    regex:
      /(?<![A-Za-z0-9_.\-$])(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:(?<![=!<>])=(?![=~])|:=|=>)\s*(?:'(?<s>[^'\n]*)'|"(?<s2>(?:[^"\\\n]|\\.)*)"|(?<s3>[^\s'"`;]+))/,
    validate: (v, m) => named(m) && isPlausibleSecretValue(v),
    samples: (g) =>
      sampleSet(g, (n, s) =>
        g.pick([
          `$ export ${n}=${s}\r\n`,
          `${n}="${s}"\n`,
          `${n} = '${s}'\n`,
          `env ${n}=${s} ./run.sh\r\n`,
          `[db]\r\n${n} = ${s}\r\n`,
          `$ kubectl create secret generic app --from-literal=${n}=${s}\r\n`,
        ]), [
        "PASSWORD_FILE=/run/secrets/db\n",
        "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}\n",
        "export API_KEY=$API_KEY\n",
        "TOKEN_TYPE=bearer\n",
        "PWD=/home/user/src\nOLDPWD=/home/user\n",
        "if token == expected_token_value:\n",
        "DB_PASSWORD=changeme\n",
        "password = os.environ['DB_PASSWORD']\n",
        "secret=***\n",
      ]),
  },
  {
    id: "yaml-secret",
    description: "key: value in YAML / colon-separated output with a secret-looking key",
    keywords: NAME_KEYWORDS,
    needs: [":"],
    regex:
      /(?:^|[\s{,\-])(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*:[ \t]+(?:'(?<s>[^'\n]*)'|"(?<s2>(?:[^"\\\n]|\\.)*)"|(?<s3>[^\s'"#,{}\[\]|>&*!][^\s,]*))(?<rest>[^\n]*)/,
    validate: (v, m) =>
      named(m, true) && isPlausibleSecretValue(v) &&
      (m.groups!.s3 === undefined || /^\s*(?:#.*)?\r?$/.test(m.groups!.rest ?? "")),
    samples: (g) =>
      sampleSet(g, (n, s) =>
        g.pick([
          `  ${n}: ${s}\n`,
          `${n}: "${s}"\r\n`,
          `    ${n}: '${s}'  # rotated\n`,
          `- ${n}: ${s}\n`,
        ]), [
        "fix: token: handle null responses\n",
        "password: validation rules updated\n",
        "secrets: inherit\n",
        "  secretName: tls-cert\n",
        "passwd:         files systemd\n",
        "  token: ${TOKEN}\n",
        "Password: \n",
        "  password: <your-password>\n",
        "automountServiceAccountToken: false\n",
      ]),
  },
  {
    id: "json-secret",
    description: '"key": "value" in JSON with a secret-looking key',
    keywords: NAME_KEYWORDS,
    needs: ['"'],
    regex: /"(?<name>[A-Za-z_][A-Za-z0-9_.\- ]{0,63})"\s*:\s*"(?<s>(?:[^"\\\n]|\\.)*)"/,
    priority: 1,
    validate: (v, m) => named(m) && isPlausibleSecretValue(v),
    samples: (g) =>
      sampleSet(g, (n, s) =>
        g.pick([
          `{"${n}": "${s}", "user": "ci"}\n`,
          `  "${n}": "${s}",\r\n`,
          `\x1b[1;34m"${n}"\x1b[0m: \x1b[0;32m"${s}"\x1b[0m,\n`,
        ]), [
        '{"token_type": "Bearer", "expires_in": 3599}\n',
        '  "password": "",\n',
        '{"max_tokens": 1024}\n',
        '"passwordPolicy": "strong"\n',
      ]),
  },
  {
    id: "header-secret",
    description: "HTTP header with a secret-looking name (-H 'X-Api-Key: ...', curl -v lines)",
    keywords: NAME_KEYWORDS,
    needs: [":"],
    regex:
      /(?:(?:-H|--header)\s*["']?|^[<>]\s)(?<name>[A-Za-z][A-Za-z0-9_\-]*)\s*:\s*(?<s>[^\s"']{6,})/,
    priority: 1,
    validate: (v, m) => named(m) && isPlausibleSecretValue(v),
    samples: (g) => {
      const a = g.alnum(32);
      const b = g.b64url(40);
      return {
        tp: [
          { text: `$ curl -H "X-Api-Key: ${a}" https://api.example.com/v1\r\n`, secrets: [a] },
          { text: `> Private-Token: ${b}\r\n`, secrets: [b] },
        ],
        fp: ["> X-Request-Id: 12\r\n", `> Accept: application/json\r\n`],
      };
    },
  },
  {
    id: "env-secret-setx",
    description: "setx NAME value / set -x NAME value (Windows, fish) with a secret-looking name",
    keywords: NAME_KEYWORDS,
    needs: ["set"],
    regex:
      /\b(?:setx|set\s+-[a-zA-Z]*x[a-zA-Z]*)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?:'(?<s>[^'\n]*)'|"(?<s2>[^"\n]*)"|(?<s3>[^\s'"]+))/,
    priority: 1,
    validate: (v, m) => named(m) && isPlausibleSecretValue(v),
    samples: (g) =>
      sampleSet(
        g,
        (n, s) =>
          g.pick([
            `C:\\> setx ${n.replace(/\./g, "_")} "${s}"\r\n`,
            `> set -gx ${n.replace(/\./g, "_")} ${s}\r\n`,
          ]),
        [
          'setx PATH "%PATH%;C:\\bin"\r\n',
          "set -gx API_TOKEN $API_TOKEN\n",
        ],
      ),
  },
  {
    id: "xml-secret",
    description: "<password>...</password> style XML elements (Maven settings, config files)",
    keywords: NAME_KEYWORDS,
    needs: ["</"],
    regex: /<(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)>(?<s>[^<\n]+)<\/\k<name>>/,
    priority: 1,
    validate: (v, m) => named(m) && isPlausibleSecretValue(v),
    samples: (g) =>
      sampleSet(g, (n, s) => `      <${n.replace(/\./g, "_")}>${s}</${n.replace(/\./g, "_")}>\n`, [
        "<password>${env.MAVEN_PASSWORD}</password>\n",
        "<tokenizer>standard</tokenizer>\n",
      ]),
  },
  {
    id: "netrc-password",
    description: ".netrc / _netrc password entries",
    keywords: ["password"],
    regex:
      /(?:\b(?:machine|default)\b[^\n]*?\bpassword|^[ \t]*password)[ \t]+(?<s>[^\s]+)[ \t]*(?:\b(?:login|account|machine)\b[^\n]*)?\r?$/,
    validate: (v) => isPlausibleSecretValue(v),
    priority: 5,
    samples: (g) => {
      const a = g.password(16);
      const b = g.alnum(40);
      return {
        tp: [
          { text: `machine api.github.com login octo password ${a}\n`, secrets: [a] },
          { text: `machine example.com\n  login deploy\n  password ${b}\n`, secrets: [b] },
        ],
        fp: ["password reset link sent\n", "  password\n"],
      };
    },
  },
  {
    id: "pgpass-password",
    description: "~/.pgpass lines (host:port:database:user:password) after a .pgpass command",
    keywords: [],
    after: { pattern: /pgpass/i, lines: 50 },
    regex:
      /^(?:[A-Za-z0-9_.*\-]+|\[[0-9a-fA-F:]+\]):(?:\d{1,5}|\*):[^:\s]+:[^:\s]+:(?<s>(?:[^\s\\]|\\.)+)\r?$/,
    validate: (v) => isPlausibleSecretValue(v),
    priority: 5,
    samples: (g) => {
      const a = g.password(16);
      return {
        tp: [{ text: `$ cat ~/.pgpass\r\ndb.internal:5432:app:app_user:${a}\r\n`, secrets: [a] }],
        fp: ["$ cat ~/.pgpass\r\nlocalhost:5432:*:postgres:*\r\n", "10:15:22:33:44\n"],
      };
    },
  },
];
