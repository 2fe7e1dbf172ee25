/** Structural secrets: JWTs, key blocks, connection strings, auth headers, CLI flags, SQL. */
import { hasMixedClasses } from "../entropy.ts";
import type { Gen } from "../gen.ts";
import { isPlaceholder } from "./common.ts";
import { isPlausibleSecretValue, isSecretName, nameSegments } from "./names.ts";
import type { Rule, Sample } from "./types.ts";

/** A quoted or bare argument; the secret is `s`, `s2` or `s3`. */
const ARG = String.raw`(?:'(?<s>[^'\n]+)'|"(?<s2>[^"\n]+)"|(?<s3>[^\s'";|&]+))`;

const loose = (v: string) => v.length >= 3 && !isPlaceholder(v) && !/^[$%]/.test(v);

/** Wraps body lines of a PEM-like block; every body line is a secret that must not survive. */
function block(begin: string, end: string, body: string[], eol = "\n"): Sample {
  return {
    text: [begin, ...body, end].join(eol) + eol,
    secrets: body.filter((l) => l.length >= 8 && !/^[A-Za-z-]+: /.test(l)),
  };
}

function b64Lines(g: Gen, width: number, lines: number, first = ""): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(i === 0 ? first + g.b64(width - first.length) : g.b64(width));
  }
  out.push(g.b64(20) + "==");
  return out;
}

/** Base64 text cut into lines of `width`, like `base64` and `openssl base64` print it. */
export function wrapB64(b64: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += width) out.push(b64.slice(i, i + width));
  return out;
}

/** The eight signature bytes and the IHDR chunk start of a PNG file. */
export const PNG_HEADER = [
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0,
  0,
  0,
  0x0d,
  0x49,
  0x48,
];

const PEM_LABELS = ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"];

function connection(
  id: string,
  what: string,
  schemes: string,
  keywords: string[],
  example: string[],
): Rule {
  return {
    id,
    description: `${what} connection string with a password`,
    keywords,
    needs: ["://"],
    regex: new RegExp(
      String
        .raw`(?<![A-Za-z0-9+.\-])(?:${schemes}):\/\/(?<user>[^\s:@\/"'<>]*):(?<s>[^\s@\/"'<>]+)@`,
      "i",
    ),
    validate: loose,
    priority: 8,
    samples: (g) => {
      const tp = example.map((t) => {
        const pw = g.password(18);
        return { text: t.replace("PW", pw), secrets: [pw] };
      });
      return {
        tp,
        fp: [
          example[0].replace("PW", "${DB_PASSWORD}"),
          example[0].replace("PW", "****"),
          `${example[0].split(":")[0]}://db.internal:5432/app\n`,
        ],
      };
    },
  };
}

/** A password given to a command-line tool, with samples around a generated password. */
function cliPassword(opts: {
  id: string;
  description: string;
  keywords: string[];
  /** What the command line must hold (the flag), so a common keyword costs little. */
  needs: string[];
  regex: string;
  flags?: string;
  tp: (pw: string) => string[];
  fp: string[];
}): Rule {
  return {
    id: opts.id,
    description: opts.description,
    keywords: opts.keywords,
    needs: opts.needs,
    regex: new RegExp(opts.regex, opts.flags ?? ""),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const pw = g.password(14);
      return { tp: opts.tp(pw).map((text) => ({ text, secrets: [pw] })), fp: opts.fp };
    },
  };
}

const FLAG_VERBS = new Set([
  "ask",
  "no",
  "prompt",
  "read",
  "use",
  "require",
  "reset",
  "change",
  "show",
  "print",
  "generate",
  "gen",
  "random",
  "forgot",
  "allow",
  "disable",
  "enable",
  "skip",
  "with",
  "without",
  "list",
  "create",
  "delete",
  "rotate",
  "revoke",
  "get",
]);

export const structureRules: Rule[] = [
  {
    id: "jwt",
    description: "JSON Web Token (header.payload.signature)",
    keywords: ["eyj"],
    regex:
      /(?<![A-Za-z0-9_\-])(?<s>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*)/,
    priority: 9,
    samples: (g) => {
      const a = g.jwt();
      const b = g.jwt();
      const c = g.jwt();
      return {
        tp: [
          { text: `token: ${a}\n`, secrets: [a] },
          {
            text: `$ curl -H "Authorization: Bearer ${b}" https://api.internal/\r\n`,
            secrets: [b],
          },
          { text: `\x1b[32m${c.slice(0, 30)}\x1b[0m${c.slice(30)}\n`, secrets: [c] },
        ],
        fp: ["eyJhbGciOiJIUzI1NiJ9 is only a header\n"],
      };
    },
  },
  {
    id: "private-key",
    description: "PEM private key block (RSA, EC, DSA, PKCS#8, encrypted), also when truncated",
    keywords: ["private key"],
    multiline: true,
    regex: /-----BEGIN (?:(?:RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----(?<s>(?:(?!-----END)[^\n])+)/,
    priority: 20,
    samples: (g) => {
      const label = g.pick(PEM_LABELS);
      const body = b64Lines(g, 64, 8, "MIIE");
      const begin = `-----BEGIN ${label}-----`;
      const end = `-----END ${label}-----`;
      const json = `-----BEGIN PRIVATE KEY-----\\n${g.b64(64)}\\n${
        g.b64(30)
      }=\\n-----END PRIVATE KEY-----\\n`;
      return {
        tp: [
          block(begin, end, body),
          block(begin, end, b64Lines(g, 64, 6, "MIIE"), "\r\n"),
          {
            text: `$ head -4 id_rsa\r\n${begin}\r\n${body.slice(0, 3).join("\r\n")}\r\n$ `,
            secrets: body.slice(0, 3),
          },
          {
            text: `$ tail -3 key.pem\r\n${body.slice(5).join("\r\n")}\r\n${end}\r\n`,
            secrets: body.slice(5, 8),
          },
          { text: `{"key": "${json}"}\n`, secrets: [json.slice(40, 80)] },
          {
            text: `tls.key: |\n    ${begin}\n    ${body.slice(0, 4).join("\n    ")}\n    ${end}\n`,
            secrets: body.slice(0, 4),
          },
        ],
        fp: [
          "-----BEGIN CERTIFICATE-----\n" + b64Lines(g, 64, 5, "MIID").join("\n") +
          "\n-----END CERTIFICATE-----\n",
          "-----BEGIN PUBLIC KEY-----\n" + b64Lines(g, 64, 3, "MIIB").join("\n") +
          "\n-----END PUBLIC KEY-----\n",
          "grep -r 'BEGIN RSA PRIVATE KEY' .\n",
        ],
      };
    },
  },
  {
    id: "openssh-private-key",
    description: "OpenSSH private key block",
    keywords: ["openssh private key"],
    multiline: true,
    regex: /-----BEGIN OPENSSH PRIVATE KEY-----(?<s>(?:(?!-----END)[^\n])+)/,
    priority: 20,
    samples: (g) => ({
      tp: [
        block(
          "-----BEGIN OPENSSH PRIVATE KEY-----",
          "-----END OPENSSH PRIVATE KEY-----",
          b64Lines(g, 70, 6, "b3BlbnNzaC1rZXktdjEAAAAA"),
          "\r\n",
        ),
      ],
      fp: [`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.b64(43)} user@host\n`],
    }),
  },
  {
    id: "pgp-private-key",
    description: "PGP / GPG armored private key block",
    keywords: ["pgp private key"],
    multiline: true,
    regex: /-----BEGIN PGP PRIVATE KEY BLOCK-----(?<s>(?:(?!-----END)[^\n])+)/,
    priority: 20,
    samples: (g) => {
      const body = b64Lines(g, 64, 7, "lQOYBG");
      return {
        tp: [{
          text: `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${body.join("\n")}\n=${
            g.b64(4)
          }\n-----END PGP PRIVATE KEY BLOCK-----\n`,
          secrets: body,
        }],
        fp: [
          "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + b64Lines(g, 64, 4, "mQINBG").join("\n") +
          "\n-----END PGP PUBLIC KEY BLOCK-----\n",
        ],
      };
    },
  },
  {
    id: "putty-private-key",
    description: "PuTTY .ppk private lines",
    keywords: ["private-lines:"],
    multiline: true,
    regex: /(?!)/,
    priority: 20,
    samples: (g) => {
      const priv = [g.b64(64), g.b64(40) + "=="];
      return {
        tp: [{
          text:
            `PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: rsa-key\nPublic-Lines: 1\n${
              g.b64(64)
            }\nPrivate-Lines: 2\n${priv.join("\n")}\nPrivate-MAC: ${g.hex(64)}\n`,
          secrets: priv,
        }],
        fp: ["Private-Lines: 0\nnext line\n"],
      };
    },
  },
  {
    id: "base64-wrapped-blob",
    description:
      "Base64 (wrapped at 64/76 columns, or one value per line) that decodes to a private key or to text holding a secret",
    keywords: [],
    multiline: true,
    regex: /(?!)/,
    priority: 1,
    samples: (g) => {
      const env = wrapB64(
        btoa(`# app\nDB_HOST=db.internal\nDB_PASSWORD=${g.password(18)}\nLOG_LEVEL=info\n`),
        76,
      );
      const pem = wrapB64(
        btoa(
          `-----BEGIN OPENSSH PRIVATE KEY-----\n${
            b64Lines(g, 70, 5, "b3BlbnNzaC1rZXktdjEAAAAA").join("\n")
          }\n-----END OPENSSH PRIVATE KEY-----\n`,
        ),
        76,
      );
      const sa = wrapB64(
        btoa(
          `{\n  "type": "service_account",\n  "private_key_id": "${g.hex(40)}",\n` +
            `  "private_key": "-----BEGIN PRIVATE KEY-----\\n${g.b64(64)}\\n${
              g.b64(64)
            }\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "ci@p.iam.example.com"\n}\n`,
        ),
        64,
      );
      const der = wrapB64(g.b64Bytes(600, [0x30, 0x82, 0x02, 0x54, 0x02, 0x01, 0x00]), 76);
      const one = btoa("ghp_" + g.crcToken());
      const envFile = `APP_ENV=prod\nSTRIPE_SECRET_KEY=sk_live_${g.alnum(40)}\nPORT=8080\n`.repeat(
        3,
      );
      return {
        tp: [
          { text: `$ base64 .env\r\n${env.join("\r\n")}\r\n$ `, secrets: env },
          { text: `$ base64 < ~/.ssh/id_ed25519\n${pem.join("\n")}\n`, secrets: pem },
          { text: `$ base64 -w 64 sa.json\n${sa.join("\n")}\n`, secrets: sa },
          { text: `$ base64 key.der\r\n${der.join("\r\n")}\r\n`, secrets: der },
          { text: `$ echo -n "$T" | base64\n${one}\n$ `, secrets: [one] },
          { text: `$ base64 -w0 .env; echo\r\n${btoa(envFile)}\r\n`, secrets: [btoa(envFile)] },
        ],
        fp: [
          `$ head -c 570 /dev/urandom | base64\n${wrapB64(g.b64Bytes(570), 76).join("\n")}\n`,
          `$ openssl rand -base64 160\n${b64Lines(g, 64, 3).join("\n")}\n`,
          `$ base64 logo.png\n${wrapB64(g.b64Bytes(400, PNG_HEADER), 76).join("\n")}\n`,
          `${g.hex(64)}  release.tar.gz\n${g.hex(64)}  release.zip\n`,
          "-----BEGIN CERTIFICATE-----\n" + b64Lines(g, 64, 3, "MIID").join("\n") +
          "\n-----END CERTIFICATE-----\n",
          `$ echo -n 'hello world, this is fine' | base64\n${btoa("hello world, this is fine")}\n`,
          `$ base64 -w0 pixel.png\n${g.b64Bytes(300, PNG_HEADER)}\n`,
          `ConfigurationManagerFactoryImpl\n${g.hex(40).toUpperCase()}\n`,
          `$ base64 notes.txt\n${
            wrapB64(btoa("Remember to rotate the password every 90 days.\n".repeat(4)), 76)
              .join("\n")
          }\n`,
        ],
      };
    },
  },
  {
    id: "kubernetes-secret-data",
    description: "Values under data: / stringData: in Kubernetes Secret YAML or JSON",
    keywords: ["data"],
    multiline: true,
    regex: /(?!)/,
    priority: 5,
    samples: (g) => {
      const p = btoa(g.password(16));
      const t = btoa(g.alnum(32));
      return {
        tp: [
          {
            text:
              `apiVersion: v1\ndata:\n  password: ${p}\n  api-token: ${t}\nkind: Secret\nmetadata:\n  name: app\n`,
            secrets: [p, t],
          },
          {
            text:
              `{\n    "apiVersion": "v1",\n    "data": {\n        "db-pass": "${p}",\n        "tls.crt": "${t}"\n    },\n    "kind": "Secret"\n}\n`,
            secrets: [p, t],
          },
        ],
        fp: [
          'apiVersion: v1\ndata:\n  LOG_LEVEL: debug\n  replicas: "3"\nkind: ConfigMap\n',
          "NAME     TYPE     DATA   AGE\napp-tls  kubernetes.io/tls   2      5d\n",
        ],
      };
    },
  },
  connection("postgres-connection-string", "PostgreSQL", "postgres|postgresql|postgis|pgsql", [
    "postgres",
    "pgsql",
  ], [
    "DATABASE_URL=postgres://app:PW@db.internal:5432/app\n",
    "$ psql 'postgresql://admin:PW@10.0.0.5/prod?sslmode=require'\r\n",
  ]),
  connection("mysql-connection-string", "MySQL / MariaDB", "mysql|mysql2|mysqlx|mariadb", [
    "mysql",
    "mariadb",
  ], [
    "mysql://root:PW@localhost:3306/shop\n",
  ]),
  connection("mongodb-connection-string", "MongoDB", "mongodb|mongodb\\+srv", ["mongodb"], [
    "MONGO_URI=mongodb+srv://svc:PW@cluster0.abcde.mongodb.net/app?retryWrites=true\n",
  ]),
  connection("redis-connection-string", "Redis", "redis|rediss", ["redis"], [
    "REDIS_URL=redis://default:PW@cache:6379/0\n",
    "rediss://:PW@cache.internal:6380\n",
  ]),
  connection("amqp-connection-string", "AMQP (RabbitMQ)", "amqp|amqps", ["amqp"], [
    "amqp://guest:PW@rabbit:5672/vhost\n",
  ]),
  connection("url-credentials", "Any URL", "[A-Za-z][A-Za-z0-9+.\\-]{1,20}", ["://"], [
    "https://deploy:PW@git.example.com/org/repo.git\n",
    "$ pip install --index-url https://ci:PW@pypi.internal/simple pkg\r\n",
  ]),
  {
    id: "jdbc-connection-string",
    description: "JDBC URL with a password property or user/password@ form",
    keywords: ["jdbc:"],
    regex:
      /jdbc:[a-z0-9]+:(?:[^\s"']*?[;?&:](?:password|pwd)=(?<s>[^;&\s"']+)|(?:oracle:)?[a-z]*:?(?<user>[A-Za-z0-9_$]+)\/(?<s2>[^@\s"'\/]+)@)/i,
    validate: loose,
    priority: 8,
    samples: (g) => {
      const a = g.password(16);
      const b = g.password(14);
      return {
        tp: [
          {
            text:
              `spring.datasource.url=jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=${a}\n`,
            secrets: [a],
          },
          { text: `jdbc:oracle:thin:scott/${b}@db.internal:1521/ORCL\n`, secrets: [b] },
        ],
        fp: ["jdbc:postgresql://db:5432/app?user=app\n"],
      };
    },
  },
  {
    id: "ado-connection-string",
    description: "ADO.NET / ODBC connection string Password= or Pwd=",
    keywords: ["password=", "pwd="],
    regex: /(?:^|[;"'\s])(?:Password|Pwd)\s*=\s*(?<s>[^;"'\n]+)/i,
    validate: (v, m) =>
      /(?:Server|Data Source|Host|Database|Initial Catalog|User ID|Uid|Driver|Provider)\s*=/i.test(
        m.input,
      ) &&
      loose(v.trim()),
    priority: 8,
    samples: (g) => {
      const a = g.password(16);
      return {
        tp: [{
          text:
            `Server=tcp:db.example.net,1433;Initial Catalog=app;User ID=app;Password=${a};Encrypt=True\n`,
          secrets: [a],
        }],
        fp: ["Server=db;Database=app;Integrated Security=true;Password=;\n"],
      };
    },
  },
  {
    id: "authorization-bearer",
    description: "Bearer token (Authorization: Bearer ...)",
    keywords: ["bearer"],
    regex: /\bBearer\s+(?<s>[A-Za-z0-9._~+\/\-]{8,}=*)/i,
    validate: (v) => hasMixedClasses(v) && !isPlaceholder(v),
    priority: 7,
    samples: (g) => {
      const a = g.b64url(40);
      return {
        tp: [
          {
            text: `$ curl -H "Authorization: Bearer ${a}" https://api.example.com\r\n`,
            secrets: [a],
          },
          { text: `> authorization: bearer ${a}\r\n`, secrets: [a] },
        ],
        fp: ["Authorization: Bearer $TOKEN\n", "uses the Bearer authentication scheme\n"],
      };
    },
  },
  {
    id: "authorization-basic",
    description: "Basic credentials (Authorization: Basic base64(user:password))",
    keywords: ["basic"],
    regex:
      /(?:Authorization|Proxy-Authorization)\s*[:=]\s*["']?Basic\s+(?<s>[A-Za-z0-9+\/]{6,}={0,2})/i,
    priority: 7,
    samples: (g) => {
      const a = btoa(`admin:${g.password(12)}`);
      return {
        tp: [{ text: `> Authorization: Basic ${a}\r\n`, secrets: [a] }],
        fp: ["Authorization: Basic <base64>\n"],
      };
    },
  },
  {
    id: "authorization-header",
    description: "Other Authorization header credentials (Token, SSWS, Bot, raw keys)",
    keywords: ["authorization"],
    regex:
      /\bAuthorization\s*[:=]\s*["']?(?!Bearer\b|Basic\b)(?:(?:Token|Bot|SSWS|Splunk|GenieKey|ApiKey|Api-Key|Key|OAuth|Negotiate|NTLM)\s+)?(?<s>[^\s"',;]{8,})/i,
    validate: (v) => hasMixedClasses(v) && !isPlaceholder(v),
    priority: 6,
    samples: (g) => {
      const a = g.alnum(40);
      return {
        tp: [{
          text: `$ curl -H 'Authorization: token ${a}' https://api.github.com/user\r\n`,
          secrets: [a],
        }],
        fp: ["Authorization: required\n"],
      };
    },
  },
  {
    id: "curl-user-password",
    description: "curl -u user:password",
    keywords: ["curl"],
    regex: /\bcurl\b[^\n]*?\s(?:-u|--user|--proxy-user|-U)\s*["']?[^:\s"']+:(?<s>[^\s"']+)/,
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(14);
      return {
        tp: [{ text: `$ curl -u admin:${a} https://jenkins.internal/api/json\r\n`, secrets: [a] }],
        fp: ['$ curl -u "$USER:$PASS" https://x\n', "$ curl -u admin https://x\n"],
      };
    },
  },
  {
    id: "password-flag",
    description:
      "Command-line flags carrying a secret (--password=..., --token ..., --client-secret ...)",
    keywords: ["pass", "secret", "token", "key", "pwd"],
    needs: ["-"],
    regex:
      /(?:^|\s)--?(?<name>[A-Za-z][A-Za-z0-9_\-]*)(?:=|[ \t]+)(?:'(?<s>[^'\n]+)'|"(?<s2>[^"\n]+)"|(?<s3>[^\s'"\-][^\s'"]*))/,
    validate: (v, m) => {
      const name = m.groups!.name;
      const segs = nameSegments(name);
      if (FLAG_VERBS.has(segs[0])) return false;
      return isSecretName(name) && isPlausibleSecretValue(v);
    },
    priority: 4,
    samples: (g) => {
      const a = g.password(16);
      const b = g.b64url(40);
      const c = g.alnum(32);
      return {
        tp: [
          { text: `$ mycli login --password=${a}\r\n`, secrets: [a] },
          {
            text: `$ vault write auth/approle/login --secret-id x --client-secret '${b}'\r\n`,
            secrets: [b],
          },
          { text: `$ gh-tool --token ${c} --repo x\r\n`, secrets: [c] },
        ],
        fp: [
          "$ docker login --password-stdin -u ci registry.io\r\n",
          "$ ssh --ask-pass host\n",
          "$ tool --token-file ~/.tok --password $PW\n",
          "$ git log --grep token\n",
        ],
      };
    },
  },
  cliPassword({
    id: "ldap-bind-password",
    description: "OpenLDAP tools' bind password (ldapsearch -w PASSWORD)",
    keywords: ["ldap"],
    needs: ["-w"],
    regex: String.raw`\bldap[a-z]*\b[^\n|;&]*?\s-w\s+${ARG}`,
    tp: (
      pw,
    ) => [`$ ldapsearch -x -D "cn=admin,dc=example,dc=org" -w ${pw} -b dc=example,dc=org\r\n`],
    fp: ["$ ldapsearch -x -D cn=admin,dc=example,dc=org -W -b dc=example,dc=org\n"],
  }),
  cliPassword({
    id: "archive-password",
    description: "Archive passwords on the command line (zip -P, 7z -p, rar -p)",
    // "7z " alone would also match log timestamps ("...:07Z INFO").
    keywords: ["zip ", "7z a", "7z x", "7z e", "7za ", "7zr ", "rar "],
    needs: ["-P", "-p"],
    regex: String
      .raw`\b(?:zip|unzip|zipcloak)\b[^\n|;&]*?\s-P\s+${ARG}|\b(?:7z|7za|7zr|rar|unrar)\b[^\n|;&]*?\s-p(?<s4>[^\s'"]+)`,
    tp: (
      pw,
    ) => [`$ zip -P ${pw} secret.zip notes.txt\r\n`, `$ 7z a -p${pw} -mhe=on backup.7z dir/\r\n`],
    fp: ["$ zip -r site.zip public/\n", "$ 7z x -p archive.7z\n"],
  }),
  cliPassword({
    id: "openssl-enc-password",
    description: "openssl enc -k PASSWORD",
    keywords: ["openssl"],
    needs: ["-k"],
    regex: String.raw`\bopenssl\b[^\n|;&]*?\s-k\s+${ARG}`,
    tp: (pw) => [`$ openssl enc -aes-256-cbc -salt -k ${pw} -in db.sql -out db.sql.enc\r\n`],
    fp: ["$ openssl enc -aes-256-cbc -kfile key.txt -in a -out b\n"],
  }),
  cliPassword({
    id: "sqlcmd-password",
    description: "SQL Server tools' password (sqlcmd / bcp / osql -P PASSWORD)",
    keywords: ["sqlcmd", "bcp ", "osql"],
    needs: ["-P"],
    regex: String.raw`\b(?:sqlcmd|bcp|osql)\b[^\n|;&]*?\s-P\s*${ARG}`,
    tp: (pw) => [`$ sqlcmd -S db.internal -U sa -P '${pw}' -Q "SELECT 1"\r\n`],
    fp: ['$ sqlcmd -S db.internal -E -Q "SELECT 1"\n'],
  }),
  cliPassword({
    id: "rabbitmq-user-password",
    description: "rabbitmqctl add_user / change_password USER PASSWORD",
    keywords: ["rabbitmqctl"],
    needs: ["add_user", "change_password"],
    regex: String.raw`\brabbitmqctl\s+(?:add_user|change_password)\s+\S+\s+${ARG}`,
    tp: (pw) => [`$ sudo rabbitmqctl add_user deploy ${pw}\r\n`],
    fp: ["$ rabbitmqctl list_users\n"],
  }),
  cliPassword({
    id: "chpasswd-password",
    description: "user:password piped into chpasswd",
    keywords: ["chpasswd"],
    needs: ["|"],
    regex: String
      .raw`\b(?:echo|printf)\s+(?:-[a-zA-Z]+\s+)*(?:'[^':\n]+:(?<s>[^'\n]+)'|"[^":\n]+:(?<s2>[^"\n]+)"|[^\s:'"|]+:(?<s3>[^\s'"|]+))\s*\|\s*(?:sudo\s+)?chpasswd\b`,
    tp: (pw) => [`$ echo 'deploy:${pw}' | sudo chpasswd\r\n`],
    fp: ['$ echo "$USER:$PASS" | chpasswd\n'],
  }),
  cliPassword({
    id: "redis-auth-command",
    description: "AUTH [user] PASSWORD typed at a redis-cli prompt",
    keywords: ["> auth", ">auth"],
    needs: [">"],
    regex: String.raw`:\d+(?:\[\d+\])?>\s*auth\s+(?:\S+\s+)?(?<s>\S+)\s*$`,
    flags: "i",
    tp: (pw) => [`127.0.0.1:6379> AUTH ${pw}\r\nOK\r\n`, `cache:6379[2]> auth default ${pw}\r\n`],
    fp: ["127.0.0.1:6379> AUTH\n(error) ERR wrong number of arguments\n"],
  }),
  {
    id: "sudo-stdin-password",
    description: "A password echoed into sudo -S / --stdin (echo 'pw' | sudo -S ...)",
    keywords: ["sudo -s", "sudo --stdin"],
    regex: new RegExp(
      String
        .raw`\b(?:echo|printf)\s+(?:-[a-zA-Z]+\s+)*${ARG}\s*\|\s*sudo\s+(?:-[a-zA-Z]*S|--stdin)\b`,
    ),
    validate: (v) => loose(v.replace(/\\n$/, "")),
    priority: 6,
    samples: (g) => {
      const a = g.password(14);
      const b = g.password(12);
      return {
        tp: [
          { text: `$ echo '${a}' | sudo -S apt-get update\r\n`, secrets: [a] },
          { text: `$ printf "${b}\\n" | sudo --stdin systemctl restart nginx\r\n`, secrets: [b] },
        ],
        fp: ['$ echo "$PASSWORD" | sudo -S ls\n', "$ sudo -S ls < /dev/null\n"],
      };
    },
  },
  {
    id: "mysql-password-flag",
    description: "mysql / mariadb -pPASSWORD",
    keywords: ["mysql", "mariadb"],
    regex: new RegExp(
      String
        .raw`\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mysqlcheck|mariadb|mariadb-dump)\b[^\n|;&]*?\s-p${ARG}`,
    ),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(14);
      return {
        tp: [{ text: `$ mysql -h db -u root -p${a} shop\r\n`, secrets: [a] }, {
          text: `$ mysqldump -uroot -p'${a}' shop > dump.sql\r\n`,
          secrets: [a],
        }],
        fp: ["$ mysql -u root -p shop\r\n"],
      };
    },
  },
  {
    id: "keytool-storepass",
    description: "Java keytool / jarsigner -storepass, -keypass",
    keywords: ["storepass", "keypass"],
    regex: new RegExp(String.raw`-(?:src|dest)?(?:storepass|keypass)\s+${ARG}`),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{
          text: `$ keytool -importcert -keystore ks.jks -storepass ${a} -file ca.crt\r\n`,
          secrets: [a],
        }],
        fp: ["$ keytool -list -keystore ks.jks -storepass:env KS_PASS\n"],
      };
    },
  },
  {
    id: "openssl-pass-arg",
    description: "openssl -passin/-passout/-pass pass:SECRET",
    keywords: ["pass:"],
    regex: /-pass(?:in|out|word)?\s+["']?pass:(?<s>[^\s"']+)/,
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{
          text: `$ openssl pkcs12 -export -in c.pem -passout pass:${a} -out c.p12\r\n`,
          secrets: [a],
        }],
        fp: ["$ openssl rsa -in k.pem -passin env:KEY_PASS\n"],
      };
    },
  },
  {
    id: "sshpass-password",
    description: "sshpass -p PASSWORD",
    keywords: ["sshpass"],
    regex: new RegExp(String.raw`\bsshpass\s+(?:-[a-zA-Z]\S*\s+)*?-p\s*${ARG}`),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{ text: `$ sshpass -p '${a}' ssh deploy@host\r\n`, secrets: [a] }],
        fp: ["$ sshpass -f pw.txt ssh host\n"],
      };
    },
  },
  {
    id: "redis-cli-password",
    description: "redis-cli -a PASSWORD",
    keywords: ["redis-cli"],
    regex: new RegExp(String.raw`\bredis-cli\b[^\n|;&]*?\s-a\s+${ARG}`),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{ text: `$ redis-cli -h cache -a ${a} ping\r\n`, secrets: [a] }],
        fp: ["$ redis-cli -h cache ping\n"],
      };
    },
  },
  {
    id: "registry-login-password",
    description: "docker / podman / helm login -p PASSWORD",
    keywords: ["login"],
    regex: new RegExp(
      String
        .raw`\b(?:docker|podman|buildah|skopeo|helm|oras|nerdctl|crane)\b[^\n|;&]*?\blogin\b[^\n|;&]*?\s-p\s+${ARG}`,
    ),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(16);
      return {
        tp: [{ text: `$ docker login -u ci -p ${a} registry.example.com\r\n`, secrets: [a] }],
        fp: ["$ docker login -u ci registry.example.com\n"],
      };
    },
  },
  {
    id: "htpasswd-password",
    description: "htpasswd -b FILE USER PASSWORD",
    keywords: ["htpasswd"],
    regex: new RegExp(
      String.raw`\bhtpasswd\s+(?:-\w+\s+)*?-\w*b\w*\s+(?:-\w+\s+)*\S+\s+\S+\s+${ARG}`,
    ),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{ text: `$ htpasswd -bc .htpasswd admin ${a}\r\n`, secrets: [a] }],
        fp: ["$ htpasswd -c .htpasswd admin\n"],
      };
    },
  },
  {
    id: "smbclient-password",
    description: "smbclient / rpcclient -U user%password",
    keywords: ["smbclient", "rpcclient", "smbmap", "crackmapexec"],
    regex: /-U\s+["']?[^%\s"']+%(?<s>[^\s"']+)/,
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{ text: `$ smbclient //fs/share -U admin%${a}\r\n`, secrets: [a] }],
        fp: ["$ smbclient //fs/share -U admin\n"],
      };
    },
  },
  {
    id: "pgpassword-env",
    description: "PGPASSWORD= / MYSQL_PWD= environment assignments",
    keywords: ["pgpassword", "mysql_pwd"],
    regex: new RegExp(String.raw`\b(?:PGPASSWORD|MYSQL_PWD)\s*=\s*${ARG}`),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(12);
      return {
        tp: [{ text: `$ PGPASSWORD=${a} psql -h db -U app\r\n`, secrets: [a] }],
        fp: ["PGPASSWORD=$(cat /run/pw) psql\n"],
      };
    },
  },
  {
    id: "sql-identified-by",
    description: "SQL IDENTIFIED BY 'password'",
    keywords: ["identified"],
    regex: new RegExp(
      String
        .raw`\bIDENTIFIED\s+(?:WITH\s+\S+\s+)?BY\s+(?:PASSWORD\s+)?(?:'(?<s>[^'\n]+)'|"(?<s2>[^"\n]+)"|(?<s3>[^\s;'"]+))`,
      "i",
    ),
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(14);
      return {
        tp: [{ text: `mysql> CREATE USER 'app'@'%' IDENTIFIED BY '${a}';\r\n`, secrets: [a] }],
        fp: ["-- users are identified by their email\n"],
      };
    },
  },
  {
    id: "sql-password-clause",
    description: "SQL ... PASSWORD 'secret' (CREATE/ALTER ROLE, USER, LOGIN)",
    keywords: ["password"],
    needs: ["'", '"'],
    regex:
      /\b(?:ROLE|USER|LOGIN)\b[^\n;]*?\bPASSWORD\s*=?\s*(?:'(?<s>[^'\n]+)'|"(?<s2>[^"\n]+)")|\bSET\s+PASSWORD\b[^\n;]*?=\s*(?:PASSWORD\s*\(\s*)?(?:'(?<s3>[^'\n]+)'|"(?<s4>[^"\n]+)")/i,
    validate: loose,
    priority: 6,
    samples: (g) => {
      const a = g.password(14);
      return {
        tp: [
          { text: `app=# ALTER ROLE app WITH LOGIN PASSWORD '${a}';\r\n`, secrets: [a] },
          { text: `mysql> SET PASSWORD FOR 'app'@'%' = '${a}';\r\n`, secrets: [a] },
        ],
        fp: ["ALTER ROLE app WITH LOGIN PASSWORD NULL;\n"],
      };
    },
  },
];
