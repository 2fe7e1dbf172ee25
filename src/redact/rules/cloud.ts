/** Cloud providers: AWS, Google Cloud, Azure. */
import { BASE32, DIGITS } from "../gen.ts";
import { assignmentSamples, B, E, prefixed } from "./common.ts";
import type { Rule } from "./types.ts";

const B64END = "(?![A-Za-z0-9/+=])";
/** Assignment operators between a name and its value in shells, configs and JSON. */
const SEP = String.raw`["']?\s*(?:=>|:=|[:=]|\s)\s*["']?`;

export const cloudRules: Rule[] = [
  prefixed({
    id: "aws-access-key-id",
    description: "AWS access key id (AKIA/ASIA...)",
    keywords: ["akia", "asia", "abia", "acca", "a3t"],
    regex: `${B}(?<s>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})${E}`,
    keep: 4,
    envName: "AWS_ACCESS_KEY_ID",
    make: (g) => g.pick(["AKIA", "ASIA"]) + g.str(BASE32, 16),
    fp: () => [`aws_access_key_id = ${"AKIA" + "IOSFODNN7" + "EXAMPLE"}\n`, "ASIAN markets\n"],
  }),
  {
    id: "aws-secret-access-key",
    description: "AWS secret access key next to its name",
    keywords: [
      "secret_access_key",
      "secretaccesskey",
      "secret access key",
      "aws_secret",
      "aws-secret",
    ],
    regex: new RegExp(
      String
        .raw`(?:secret[_ -]?access[_ -]?key|aws[_-]?secret(?:[_-]?key)?)(?:\s*\[[^\]\n]*\]:|${SEP})\s*(?<s>[A-Za-z0-9/+]{40})${B64END}`,
      "i",
    ),
    minEntropy: 3.5,
    priority: 10,
    samples: (g) => {
      const s = () => g.b64(40);
      const a = s();
      return {
        tp: [
          ...assignmentSamples("AWS_SECRET_ACCESS_KEY", s()),
          { text: `AWS Secret Access Key [None]: ${a}\r\n`, secrets: [a] },
          { text: `$ aws configure set aws_secret_access_key ${a}\r\n`, secrets: [a] },
          { text: `"SecretAccessKey": "${a}",\n`, secrets: [a] },
        ],
        fp: [
          `AWS Secret Access Key [****************${g.b64(4)}]: \r\n`,
          `aws_secret_access_key = ${"wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"}\n`,
        ],
      };
    },
  },
  {
    id: "aws-session-token",
    description: "AWS session token (STS temporary credentials)",
    keywords: [
      "session_token",
      "sessiontoken",
      "security_token",
      "securitytoken",
      "iqojb3jpz2lu",
      "fwogzxivyxdz",
    ],
    regex: new RegExp(
      String
        .raw`(?:(?:session|security)[_-]?token${SEP}(?<s>[A-Za-z0-9/+=]{100,})|${B}(?<s2>(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=]{80,}))`,
      "i",
    ),
    minEntropy: 4,
    priority: 10,
    samples: (g) => {
      const t = () => "IQoJb3JpZ2luX2Vj" + g.b64(300);
      const a = t();
      return {
        tp: [
          ...assignmentSamples("AWS_SESSION_TOKEN", t()),
          { text: `"SessionToken": "${a}"\n`, secrets: [a] },
        ],
        fp: ["aws_session_token = \n", "SessionToken: (none)\n"],
      };
    },
  },
  prefixed({
    id: "aws-mws-auth-token",
    description: "Amazon Marketplace Web Service auth token",
    keywords: ["amzn.mws"],
    regex: String
      .raw`(?<s>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})${E}`,
    keep: 5,
    make: (g) => `amzn.mws.${g.uuid()}`,
    fp: () => ["see amzn.mws.docs for details\n"],
  }),
  prefixed({
    id: "aws-bedrock-api-key",
    description: "Amazon Bedrock API key",
    keywords: ["absk"],
    regex: `${B}(?<s>ABSK[A-Za-z0-9+/]{100,}={0,2})${B64END}`,
    keep: 4,
    make: (g) => "ABSKQmVkcm9ja0FQSUtleS" + g.b64(110),
    fp: () => ["ABSKING is not a key\n"],
  }),
  prefixed({
    id: "gcp-api-key",
    description: "Google Cloud / Firebase API key (AIza...)",
    keywords: ["aiza"],
    regex: String.raw`${B}(?<s>AIza[0-9A-Za-z_\-]{35})(?![A-Za-z0-9_-])`,
    keep: 4,
    envName: "GOOGLE_API_KEY",
    make: (g) => "AIza" + g.b64url(35),
    fp: (g) => [`AIza${g.b64url(20)} is too short\n`],
  }),
  prefixed({
    id: "gcp-oauth-access-token",
    description: "Google OAuth 2.0 access token (ya29.)",
    keywords: ["ya29."],
    regex: String.raw`${B}(?<s>ya29\.[0-9A-Za-z_\-]{30,})`,
    keep: 5,
    envName: "GOOGLE_OAUTH_ACCESS_TOKEN",
    make: (g) => "ya29." + g.b64url(120),
    fp: () => ["ya29.short\n"],
  }),
  prefixed({
    id: "gcp-oauth-refresh-token",
    description: "Google OAuth 2.0 refresh token (1//0...)",
    keywords: ["1//0"],
    regex: String.raw`(?<![A-Za-z0-9/])(?<s>1//0[0-9A-Za-z_\-]{40,})`,
    keep: 0,
    envName: "REFRESH_TOKEN",
    make: (g) => "1//0" + g.b64url(99),
    fp: () => ["1//0 weird division\n"],
  }),
  prefixed({
    id: "gcp-oauth-client-secret",
    description: "Google OAuth client secret (GOCSPX-)",
    keywords: ["gocspx-"],
    regex: String.raw`${B}(?<s>GOCSPX-[0-9A-Za-z_\-]{28})(?![A-Za-z0-9_-])`,
    keep: 7,
    envName: "GOOGLE_CLIENT_SECRET",
    make: (g) => "GOCSPX-" + g.b64url(28),
    fp: () => ["GOCSPX-placeholder\n"],
  }),
  {
    id: "gcp-service-account-key",
    description: "Google service-account JSON private_key value",
    keywords: ['"private_key"'],
    regex: /"private_key"\s*:\s*"(?<s>-----BEGIN[^"]*)"/,
    priority: 20,
    samples: (g) => {
      const key = `-----BEGIN PRIVATE KEY-----\\n${g.b64(64)}\\n${g.b64(64)}\\n${
        g.b64(20)
      }==\\n-----END PRIVATE KEY-----\\n`;
      return {
        tp: [
          {
            text: `{"type": "service_account", "project_id": "demo-${
              g.int(999)
            }", "private_key": "${key}", "client_email": "ci@demo.iam.gserviceaccount.com"}\n`,
            secrets: [key.slice(30, 70)],
          },
          { text: `  "private_key": "${key}",\r\n`, secrets: [key.slice(40, 100)] },
        ],
        fp: ['  "private_key": "",\n', '"private_key_file": "/etc/sa.json"\n'],
      };
    },
  },
  {
    id: "gcp-service-account-key-id",
    description: "Google service-account JSON private_key_id value",
    keywords: ['"private_key_id"'],
    regex: /"private_key_id"\s*:\s*"(?<s>[0-9a-f]{40})"/,
    priority: 20,
    samples: (g) => {
      const id = g.hex(40);
      return {
        tp: [{ text: `  "private_key_id": "${id}",\n`, secrets: [id] }],
        fp: ['  "private_key_id": "",\n'],
      };
    },
  },
  prefixed({
    id: "firebase-cloud-messaging-key",
    description: "Firebase Cloud Messaging legacy server key",
    keywords: [":apa91b"],
    regex: String.raw`${B}(?<s>AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})(?![A-Za-z0-9_-])`,
    keep: 0,
    make: (g) => `AAAA${g.b64url(7)}:APA91b${g.b64url(134)}`,
    fp: () => ["token:APA91b-short\n"],
  }),
  {
    id: "azure-storage-account-key",
    description: "Azure storage / Cosmos DB account key (AccountKey=...)",
    keywords: ["accountkey", "account_key", "account-key", "storage_key", "storagekey"],
    regex: new RegExp(
      String
        .raw`(?:AccountKey=|(?:account|storage)[_-]?(?:access[_-]?)?key${SEP})(?<s>[A-Za-z0-9+/]{86}==)`,
      "i",
    ),
    priority: 10,
    minEntropy: 4,
    samples: (g) => {
      const k = () => g.b64(86) + "==";
      const a = k();
      return {
        tp: [
          {
            text: `DefaultEndpointsProtocol=https;AccountName=demo${
              g.int(99)
            };AccountKey=${a};EndpointSuffix=core.windows.net\n`,
            secrets: [a],
          },
          ...assignmentSamples("AZURE_STORAGE_ACCOUNT_KEY", k()),
        ],
        fp: ["AccountKey=;EndpointSuffix=core.windows.net\n"],
      };
    },
  },
  {
    id: "azure-sas-token",
    description: "Azure shared access signature (sig= in a SAS URL or query)",
    keywords: ["sig="],
    regex: /(?<![A-Za-z0-9_])sig=(?<s>[A-Za-z0-9%+\/=]{30,})/,
    validate: (_s, m) => /(?:^|[?&\s"'])(?:sv|se|sp|spr|srt|ss)=/.test(m.input),
    priority: 10,
    minEntropy: 3.5,
    samples: (g) => {
      const sig = encodeURIComponent(g.b64Bytes(32));
      return {
        tp: [{
          text:
            `https://demo.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig=${sig}\n`,
          secrets: [sig],
        }, {
          text:
            `$ az storage blob list --sas-token "se=2030-01-01&sp=rl&sv=2022-11-02&sr=c&sig=${sig}"\r\n`,
          secrets: [sig],
        }],
        fp: ["gpg: sig=unknown format\n", "https://x.example/?sig=short\n"],
      };
    },
  },
  prefixed({
    id: "azure-ad-client-secret",
    description: "Microsoft Entra ID (Azure AD) application client secret",
    // The digit before "Q~" is part of the format; a 2-character keyword would flag far more.
    keywords: ["0q~", "1q~", "2q~", "3q~", "4q~", "5q~", "6q~", "7q~", "8q~", "9q~"],
    regex: String
      .raw`(?<![A-Za-z0-9_~.-])(?<s>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`,
    keep: 0,
    envName: "AZURE_CLIENT_SECRET",
    make: (g) => g.alnum(3) + g.str(DIGITS, 1) + "Q~" + g.b64url(34).replace(/-/g, "."),
    fp: () => ["Q~ is a tilde\n"],
  }),
  prefixed({
    id: "azure-service-bus-key",
    description: "Azure Service Bus / Event Hubs SharedAccessKey",
    keywords: ["sharedaccesskey="],
    regex: String.raw`SharedAccessKey=(?<s>[A-Za-z0-9+/]{42,44}=?)${B64END}`,
    keep: 0,
    make: (g) => g.b64Bytes(32),
    wrap: (s) =>
      `Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${s}`,
    fp: () => ["SharedAccessKeyName=RootManageSharedAccessKey\n"],
  }),
  {
    id: "azure-devops-pat",
    description: "Azure DevOps personal access token",
    keywords: ["azure", "devops", "azdo", "ado_"],
    regex: new RegExp(
      String
        .raw`(?:(?:azure|devops|ado|azdo|vsts)[\w.-]*${SEP}(?<s>[a-z2-7]{52})(?![A-Za-z0-9])|${B}(?<s2>[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})${E})`,
      "i",
    ),
    priority: 10,
    minEntropy: 3.5,
    samples: (g) => {
      const a = g.str("abcdefghijklmnopqrstuvwxyz234567", 52);
      const b = g.alnum(76) + "AZDO" + g.alnum(4);
      return {
        tp: [
          ...assignmentSamples("AZURE_DEVOPS_PAT", a),
          { text: `token found: ${b}\n`, secrets: [b] },
        ],
        fp: ["azure devops pipeline succeeded\n"],
      };
    },
  },
];
