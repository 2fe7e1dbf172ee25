// The subset evaluator against the real Lua sandbox: for every snippet of the corpus, in
// every situation, as a lint and as a rule, a decision of the subset must equal Lua's outcome
// exactly. Documented examples and the benchmark's rules must also be decided (fast path).
import { assert, assertEquals } from "@ddcoterm/assert";
import { DOC_RULES_EXAMPLE, ISSUE_EXAMPLE } from "./coterm_docs_examples.ts";
import { buildGlobals } from "./globals.ts";
import type { KubeconfigInfo } from "./kubeconfig.ts";
import { openLuaSession, type SnippetKind, type SnippetOutcome } from "./lua_engine.ts";
import { DEFAULT_LUA_LIMITS } from "./lua_limits.ts";
import { luaString } from "./lua_literal.ts";
import { evaluateInSubset, subsetEnvironment, type SubsetOutcome } from "./subset_eval.ts";
import { configOf, invocationOf } from "./test_support.ts";
import type { Invocation } from "./types.ts";

interface Situation {
  name: string;
  invocation: Invocation;
  kube?: KubeconfigInfo;
}

const SITUATIONS: Situation[] = [
  {
    name: "kubectl scale on a prod context given as a flag",
    invocation: invocationOf("kubectl scale deployment web --replicas=3 --context=prod-eu", {
      AWS_PROFILE: "prod-admin",
      TEAM: "infra",
    }),
    kube: { currentContext: "minikube", namespaces: { "prod-eu": "web", minikube: "default" } },
  },
  {
    name: "kubectl get pods, no kubeconfig",
    invocation: invocationOf("kubectl get pods"),
  },
  {
    name: "kubectl scale with the context from kubeconfig",
    invocation: invocationOf("/usr/local/bin/kubectl scale deploy/web -n kube-system --all"),
    kube: { currentContext: "prod-us", namespaces: { "prod-us": "api" } },
  },
  {
    name: "no arguments",
    invocation: { ...invocationOf("helm"), isInteractive: false },
  },
  {
    name: "options of every shape",
    invocation: invocationOf(
      "terraform apply -auto-approve --dry-run=client -it --output json -f - --context -- --x",
      { PGHOST: "db-prod-2", EMPTY: "" },
    ),
    kube: { currentContext: "staging", namespaces: {} },
  },
  {
    name: "non-ASCII arguments, environment and paths",
    invocation: {
      executable: "/usr/bin/psql",
      args: ["-c", "DROP TABLE überall", "--host=db-prod-1", "日本語", "emoji😀", "é"],
      env: { PGHOST: "dbé", AWS_PROFILE: "prod-ü", HOME: "/home/zoë", "clé": "valeur" },
      cwd: "/srv/terraform/prod/équipe",
      user: "zoë",
      hostname: "bastion-1",
      isInteractive: false,
    },
    kube: { currentContext: "prod-ü", namespaces: { "prod-ü": "ns-é" } },
  },
];

interface Used {
  source: string;
  kind: SnippetKind;
}

/** The snippets of a config's lints and rules, in order. */
function snippetsOf(yaml: string): Used[] {
  return configOf(yaml).processConfig.commands.flatMap((entry) => [
    ...entry.lints.map((lint): Used => ({ source: lint.source, kind: "lint" })),
    ...entry.rules.map((rule): Used => ({ source: rule.rule.source, kind: "rule" })),
  ]);
}

const asRules = (sources: string[]) => sources.map((source): Used => ({ source, kind: "rule" }));

const EXAMPLES_DIR = new URL("../../lua/examples/", import.meta.url).pathname;
const EXAMPLE_SNIPPETS = [...Deno.readDirSync(EXAMPLES_DIR)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith(".yaml") && !name.endsWith(".cases.yaml"))
  .sort()
  .flatMap((name) => snippetsOf(Deno.readTextFileSync(`${EXAMPLES_DIR}${name}`)));

const DOC_SNIPPETS = [...snippetsOf(ISSUE_EXAMPLE), ...snippetsOf(DOC_RULES_EXAMPLE)];

/** The rules of bench/shim.ts's configs, copied: the start-up benchmark measures these. */
const BENCH_SNIPPETS = asRules([
  'has_arg("scale")',
  'has_arg("delete")',
  "true",
  'local ctx = flags.context or k8s_current_context or "unknown"\n' +
  'return has_arg("scale") and ctx:match("prod")\n',
  'return has_arg("delete") or flags["dry-run"] == "none"',
  "return #args >= 0\n",
]);

/** The examples of lua/README.md. */
const README_SNIPPETS: Used[] = [
  {
    source:
      'if has_arg("scale") and flags.context == nil then\n  return "No --context given"\nend\n',
    kind: "lint",
  },
  ...asRules([
    'has_arg("scale") and (k8s_context or ""):match("prod")',
    'local ctx = k8s_context or "unknown"\n' +
    'return has_arg("delete") and ctx:match("prod"), "Deleting in " .. ctx',
    'return executable == "kubectl" and args[1] == "drain"',
    'return env.AWS_PROFILE == "prod" and user ~= "deploy-bot"',
    'return cwd:find("/terraform/prod", 1, true) ~= nil and has_arg("apply")',
    'return has_arg("delete") and (short_flags.n or k8s_namespace) == "kube-system"',
    'return not is_interactive and has_arg("apply"), "Run terraform apply from a terminal."',
    'hostname:match("^bastion")',
    'cwd:find("/infra/prod", 1, true)',
    'not is_interactive and has_arg("apply")',
  ]),
];

/** Small snippets for each construct, edge case and unsupported form. */
const HAND_WRITTEN = [
  // literals and empty forms
  "",
  ";",
  "   -- only a comment",
  "nil",
  "true",
  "false",
  " false\n",
  "1",
  "0",
  "-5",
  "- -5",
  "-0",
  "9007199254740991",
  "9007199254740993",
  "42, 'a', 'b'",
  "'str'",
  '"dq"',
  "''",
  "'a\\nb'",
  "'tab\\tx\\a\\b\\f\\v\\r\\\\\\\"\\''",
  "'\\65\\066\\0677'",
  "'\\x41\\x7e'",
  "'\\xff'",
  "'\\x4'",
  "'\\300'",
  "'\\200'",
  "'\\q'",
  "'\\u{48}\\u{e9}\\u{1F600}\\u{FFFF}'",
  "'\\u{D800}'",
  "'\\u{110000}'",
  "'\\z   \n   x'",
  "'a\\\nb'",
  "'a\\\r\nb'",
  "'\\0'",
  "'a\\0b', 'x'",
  "true, 'a\\0b'",
  "'unterminated",
  "'line\nbreak'",
  "[[long]]",
  "[==[long]==]",
  "[=x",
  "1.5",
  ".5",
  "0x10",
  "1e3",
  "3x",
  "1..2",
  "1 .. 2",
  "'é'",
  "'日本'",
  "'😀'",
  "é",
  "true -- comment",
  "--c\ntrue",
  "--[[ long ]] true",
  "--[==[ long ]==] true",
  "--[= not long\ntrue",
  "--[ short\ntrue",
  "local x = 1\r\nreturn x",
  "\ttrue\r\n",
  // operators
  "1 == 1",
  "1 == '1'",
  "1 ~= 2",
  "'a' == 'a'",
  "'a' < 'b'",
  "'a' < 'B'",
  "'a' <= 'a'",
  "'ab' < 'a'",
  "'' < 'a'",
  "'é' > 'z'",
  "'\\u{FFFF}' < '\\u{1F600}'",
  "'\u{FFFF}' < '😀'",
  "'😀' < '\u{E000}'",
  "'a\\0b' > 'a'",
  "1 < 2",
  "2 <= 2",
  "3 >= 4",
  "3 > 2",
  "-1 < 0",
  "1 < 'x'",
  "nil < 1",
  "true < false",
  "args < args",
  "nil == false",
  "not nil",
  "not 0",
  "not not ''",
  "nil and 1",
  "false or nil",
  "1 and 2",
  "nil or 'x'",
  "false and error('x')",
  "true or error('x')",
  "#'abc'",
  "#'é'",
  "#'日本😀'",
  "#''",
  "#args",
  "#flags",
  "#env",
  "#short_flags",
  "#string",
  "#nil",
  "#1",
  "'a' .. 'b'",
  "1 .. 2",
  "'a' .. 1",
  "-1 .. ''",
  "'a' .. nil",
  "'a' .. true",
  "'a' .. args",
  "'x' .. 'y' .. 'z' .. 1",
  "1 + 1",
  "2 ^ 2",
  "7 // 2",
  "7 % 2",
  "1 | 2",
  "1 & 2",
  "1 << 2",
  "1 ~ 2",
  "~1",
  "-'2'",
  "-nil",
  "-true",
  "not 1 == 2",
  "1 < 2 == true",
  "'a' .. 'b' == 'ab'",
  "nil == nil and 1 or 2",
  "#'ab' .. 'c'",
  "- #'abc'",
  "-#args",
  "not has_arg('get') == false",
  "(true)",
  "((((true))))",
  "(" + "(".repeat(60) + "true" + ")".repeat(60) + ")",
  "not not not not not not not not not not not not not not not not not not not not true",
  // names and globals
  "x",
  "undefined_global",
  "print",
  "io",
  "os",
  "require",
  "load",
  "_G",
  "_ENV",
  "_ENV.flags",
  "_VERSION",
  "math",
  "math.max(1, 2)",
  "table.concat",
  "utf8.char(72)",
  "string",
  "string.rep('a', 3)",
  "string.dump",
  "string.nope",
  "string.byte('a')",
  "select('#')",
  "pcall(error)",
  "tostring(nil)",
  "tostring(true)",
  "tostring(false)",
  "tostring(12)",
  "tostring(-12)",
  "tostring('s')",
  "tostring(args)",
  "tostring(has_arg)",
  "tostring()",
  "tostring(nil, 1)",
  "type(nil)",
  "type(args)",
  "type(flags)",
  "type(has_arg)",
  "type(string.lower)",
  "type()",
  "type(1)",
  "type('x')",
  "type(flags.output)",
  "type(is_interactive)",
  "type(k8s_context)",
  "has_arg()",
  "has_arg(nil)",
  "has_arg(1)",
  "has_arg('get')",
  "has_arg('scale')",
  "has_arg('get', 'x')",
  "has_arg'get'",
  'has_arg"scale"',
  "has_arg[[get]]",
  "has_arg{}",
  "has_arg('-c')",
  "has_arg('日本語')",
  "has_arg('é')",
  "has_arg('--')",
  "has_arg('-')",
  "not has_arg('--dry-run')",
  "has_arg(args[1])",
  "has_arg(('abc'):find('b'))",
  "executable",
  "args",
  "args[1]",
  "args[0]",
  "args[-1]",
  "args[100]",
  "args['1']",
  "args.n",
  "args[nil]",
  "args[true]",
  "args[#args]",
  "args[1] .. '|' .. (args[2] or '')",
  "flags",
  "flags.output",
  "flags.context",
  "flags['dry-run']",
  "flags['dry-run'] == 'client'",
  "flags.replicas",
  "flags.all",
  "flags.host",
  "flags[1]",
  "flags.x.y",
  "short_flags.n",
  "short_flags.c",
  "short_flags.it",
  "short_flags.f",
  "short_flags['auto-approve']",
  "short_flags['auto-approve'] == true",
  "env.HOME",
  "env.MISSING",
  "env['AWS_PROFILE']",
  "env['clé']",
  "env.EMPTY",
  "env.EMPTY == ''",
  "env[1]",
  "env.toString",
  "env.constructor",
  "flags.constructor",
  "env.__proto__",
  "user",
  "hostname",
  "cwd",
  "is_interactive",
  "k8s_current_context",
  "k8s_context",
  "k8s_namespace",
  "k8s_context == nil",
  "flags.context == nil",
  "env.HOME:upper()",
  "args[1]:sub(1, 3)",
  "(k8s_context or ''):match('prod')",
  "k8s_context:match('prod')",
  "flags.context or k8s_current_context or 'unknown'",
  "args == args",
  "args == nil",
  "has_arg == nil",
  "string.lower == string.lower",
  "args:find('x')",
  "env:x()",
  "(1):x()",
  "args()",
  "nil()",
  "('x')()",
  "has_arg.x",
  "('abc').len",
  // string functions
  "('ABC'):lower()",
  "('abc'):upper()",
  "('ÉCOLE École'):lower()",
  "('ÉCOLE école'):upper()",
  "string.lower('MiXeD 123')",
  "string.lower()",
  "string.lower(12)",
  "('abc'):len()",
  "string.len('é')",
  "('hello'):sub(2)",
  "('hello'):sub(2, 3)",
  "('hello'):sub(-3)",
  "('hello'):sub(0)",
  "('hello'):sub(10)",
  "('hello'):sub(6)",
  "('hello'):sub(5)",
  "('hello'):sub(2, -2)",
  "('hello'):sub(-100, 100)",
  "('hello'):sub(3, 2)",
  "('hello'):sub(0, 0)",
  "('hello'):sub(-5, -5)",
  "('hello'):sub(-6, -6)",
  "('hello'):sub(2, nil)",
  "('héllo'):sub(2, 3)",
  "('héllo'):sub(2, 2)",
  "('héllo'):sub(4)",
  "('hello'):sub()",
  "('hello'):sub('2')",
  "('x'):rep(3)",
  "('abc'):reverse()",
  "('abc'):gsub('b', 'x')",
  "string.format('%s-%d%%', 'a', 5)",
  "string.format('%s', nil)",
  "string.format('%s')",
  "string.format('%d', 'x')",
  "string.format('%d', -7)",
  "string.format('%d', 3, 4)",
  "string.format('%5s', 'a')",
  "string.format('%-5s|', 'a')",
  "string.format('%q', 'a')",
  "string.format('%x', 255)",
  "string.format('%i', 5)",
  "string.format('%s %s', true, false)",
  "string.format('%s', args)",
  "string.format('no args')",
  "string.format('%')",
  "string.format('%s%', 'a')",
  "string.format('%s', 'a\\0b')",
  "string.format('%s', 'é') .. '!'",
  "('%s!'):format('hi')",
  "string.format(12)",
  "string.format()",
  // find and match
  "('kubectl'):find('ctl')",
  "('kubectl'):find('ctl', 5)",
  "('kubectl'):find('ctl', 6)",
  "('kubectl'):find('x')",
  "('abc'):find('')",
  "('abc'):find('', 10)",
  "('abc'):find('', 4)",
  "('abc'):find('', 3)",
  "('abc'):find('', -1)",
  "('abc'):find('b', -1)",
  "('abc'):find('b', -2)",
  "('abc'):find('b', -10)",
  "('abc'):find('b', 0)",
  "('abc'):find('b', nil, true)",
  "('abc'):find('b', '1')",
  "('abc'):find()",
  "('abc'):find(nil)",
  "('abc'):find(1)",
  "('a1c'):find(1)",
  "('a.b'):find('.', 1, true)",
  "('a.b'):find('.', 1, false)",
  "('a.b'):find('.')",
  "('a.b'):find('%.')",
  "('a.b'):find('.', 1, 0)",
  "('a]b'):find(']')",
  "('a)b'):find(')')",
  "('a)b'):match(')')",
  "('a]b'):match(']')",
  "('prod-eu'):match('prod-eu')",
  "('prod-eu'):match('prod')",
  "('prod-eu'):match('^prod%-')",
  "('prod-eu'):match('^prod%-(%a+)$')",
  "('prod-eu'):find('eu$')",
  "('prod-eu'):find('^eu')",
  "('prod-eu'):find('^eu', 6)",
  "('prod-eu'):match('^eu', 6)",
  "('x'):match('^$')",
  "(''):match('^$')",
  "(''):find('')",
  "('x$'):find('$', 1, true)",
  "('x$y'):match('$y')",
  "('a^b'):match('a^b')",
  "('ab'):match('(a)(b)')",
  "('ab'):find('(a)(b)')",
  "('ab'):find('()b')",
  "('ab'):match('()b()')",
  "('hello world'):match('%w+')",
  "('hello world'):match('%w+', 6)",
  "('  x  '):match('^%s*(.-)%s*$')",
  "('[x]'):find('[')",
  "('[x]'):find('[', 1, true)",
  "('abc'):match('%')",
  "('abc'):match('[a')",
  "('abc'):match('[]')",
  "('a]c'):match('[]]')",
  "('a-c'):match('[a%-]+')",
  "('abc'):match('[^a]+')",
  "('abc'):match('[a-b]+')",
  "('f(a(b)c)'):match('%b()')",
  "('f(a(b)c'):match('%b()')",
  "('f'):match('%b')",
  "('THE (quick) fox'):find('%f[%a]%a+', 5)",
  "('THE'):find('%f[%a]')",
  "('x'):find('%fx')",
  "('aaa'):match('a-')",
  "('aaa'):match('a-$')",
  "('aaa'):match('(a*)')",
  "('aaa'):match('a?a?a?a?')",
  "('aaab'):match('a+b')",
  "('x'):match('(')",
  "('x'):match(')')",
  "('x'):match('(x')",
  "('abab'):match('(ab)%1')",
  "('abab'):match('%1')",
  "('abab'):match('()%1')",
  "('é'):match('.')",
  "('é'):find('.')",
  "('é'):match('..')",
  "('日本語'):find('本')",
  "('日本語'):find('本', 5)",
  "('日本語'):find('本', 4)",
  "('日本語'):match('本.')",
  "('日本語'):match('本...')",
  "('héllo'):match('h.')",
  "('héllo'):match('h..')",
  "('A1 b2'):match('%u%d%s%l%d')",
  "('A1 b2'):match('%U+')",
  "('\\1\\31 ~'):match('%c+%s%p')",
  "('0xFFg'):match('%x+', 3)",
  "('tab\\there'):match('%s')",
  "('a\\0b'):find('\\0', 1, true)",
  "('abc'):find('b', 1, true)",
  "('abc'):find('b', 1, nil)",
  "(' x'):find(' ')",
  "('x'):find('x', 1, true, 'extra')",
  "string.find('abc', 'c')",
  "string.match('abc', '(b)(c)')",
  "('ab'):match('((a)(b))')",
  "('a'):match(string.rep('(', 33))",
  "('" + "a".repeat(40) + "'):match('" + "(a)".repeat(33) + "')",
  "('" + "a".repeat(300) + "'):match('" + "a?".repeat(250) + "')",
  // statements
  "if has_arg('get') then return 'get' elseif has_arg('scale') then return 'scale' else return nil end",
  "if has_arg('x') then return 'x' elseif has_arg('y') then return 'y' end",
  "if false then return 1 else return 2 end",
  "if nil then elseif false then else end",
  "if x then end",
  "if true then return 1 end return 2",
  "if false then return 1 end return 2",
  "if true then end return 3",
  "if true then return end",
  "if true then local y = 1 end return y",
  "local has_arg = 1 return has_arg",
  "local x = 1 if true then local x = 2 end return x",
  "local x = 1 if true then local x = 2 return x end",
  "local x = x return x",
  "local user = user .. '!' return user",
  "local a, b = 1 return a, b, 'x'",
  "local a, b = ('abc'):find('b') return true, a, b",
  "local a, b = (('abc'):find('b')) return true, a, b",
  "local a = ('abc'):find('b'), 'z' return true, a",
  "local a, b, c = 1, 2, 3, 4 return c",
  "local a = ...",
  "local function f() end return 1",
  "local x <const> = 1 return x",
  "local x <close> = nil return 1",
  "local 1 = 2",
  "local x",
  "local x = 1",
  "local x = 1;;; return x;",
  "do return 1 end",
  "for i = 1, 2 do end return 1",
  "while false do end return 1",
  "repeat until true return 1",
  "return 1;",
  "return 1 return 2",
  "return 1 end",
  "goto x",
  "::x:: return 1",
  "return",
  "return;",
  "return return",
  "x = 1",
  "x = = 1",
  "flags.x = 1",
  "x()",
  "has_arg('a')",
  "has_arg('a') has_arg('b')",
  "has_arg('a') 'b'",
  "'a' 'b'",
  "return (has_arg('get'))",
  "return ('abc'):find('b')",
  "return (('abc'):find('b'))",
  "return ('abc'):find('b'), 'x'",
  "return 'x', ('abc'):find('b')",
  "return true, ('abc'):find('b')",
  "return true, (('abc'):find('b'))",
  "return true, ('abc'):find('z')",
  "return nil, 'x'",
  "true, 'user', 'approver'",
  "true, 1, 2",
  "true, false, nil",
  "true, nil, 'approver'",
  "true, {}, 'x'",
  "1, nil, 'a'",
  "args",
  "has_arg",
  "flags",
  "true, args",
  "true, 'a', has_arg",
  "'lint', 'ignored'",
  "function() end",
  "{}",
  "...",
  "not",
  "1 ==",
  "has_arg(",
  "has_arg('x'",
  "a.",
  "a.end",
  "a:b",
  "a:b c",
  "a:1()",
  "t[1",
  ")",
  "else",
  "end",
  "true end",
  "if then",
  "if true then",
  "if true then else",
  "elseif",
  "@",
  "a ! b",
  "`x`",
  "$",
  "a ? b : c",
  "\\",
  "#!/bin/lua\ntrue",
  "has_arg(('abc'):find('b'), 'x')",
  "tostring(('abc'):find('b'))",
  "type(('abc'):find('z'))",
  "#('abc'):upper()",
  "not has_arg'x'",
  "('ÀB'):lower()",
  "'a\\rb'",
  "local a = 'x' -- why\n-- more\nif has_arg('get') then\n  local a = a .. '!'\n  return a\nelseif a == 'x' then\n  return 'is x', 'u'\nend",
  "if k8s_context:match('prod') then return 1 elseif true then return 2 end",
  "if flags.output == 'json' then return 'json' elseif short_flags.n then return 'n ' .. short_flags.n end",
  "'" + "x".repeat(5000) + "'",
  "local s = '" + "ab".repeat(2000) + "' return #(s .. s .. s)",
];

/** Lua's outcome and the subset's as comparable values (absent messages dropped). */
function normal(outcome: SnippetOutcome | SubsetOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = { status: outcome.status };
  for (const key of ["message", "userMessage", "approverMessage"] as const) {
    const value = (outcome as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  if (outcome.status === "error") delete out.message; // the text is Lua's alone
  return out;
}

interface Tally {
  pairs: number;
  decided: number;
  /** Kind and source of the snippets the subset left to Lua, in some situation. */
  undecided: Set<string>;
}

/**
 * Runs each snippet in Lua and in the subset for every situation and kind; asserts that
 * every subset decision equals Lua's outcome.
 */
async function compare(snippets: string[], situations = SITUATIONS): Promise<Tally> {
  const tally: Tally = { pairs: 0, decided: 0, undecided: new Set() };
  for (const situation of situations) {
    const globals = buildGlobals(situation.invocation, situation.kube);
    const env = subsetEnvironment(globals, DEFAULT_LUA_LIMITS.patternSteps);
    assert(env, situation.name);
    // Batches keep each Lua state small.
    for (let start = 0; start < snippets.length; start += 200) {
      const batch = snippets.slice(start, start + 200);
      const session = await openLuaSession(globals);
      try {
        const compileErrors = batch.map((source, i) => session.compile(i, source));
        session.setDeadline(Date.now() + 60_000);
        for (const [i, source] of batch.entries()) {
          for (const kind of ["lint", "rule"] as SnippetKind[]) {
            tally.pairs++;
            const subset = evaluateInSubset(source, kind, env);
            if (subset === undefined) {
              tally.undecided.add(`${kind} ${source}`);
              continue;
            }
            tally.decided++;
            // Each kind runs a fresh compile of the snippet: a run cannot see another's state.
            const error = session.compile(i, source) ?? compileErrors[i];
            const lua: SnippetOutcome = error ? { status: "error", message: "" } : session.run(
              i,
              kind,
            );
            assertEquals(
              normal(subset),
              normal(lua),
              `${kind} ${JSON.stringify(source)} in "${situation.name}"`,
            );
          }
        }
      } finally {
        session.close();
      }
    }
  }
  return tally;
}

Deno.test("subset decisions equal Lua's outcomes for the hand-written corpus", async () => {
  const tally = await compare(HAND_WRITTEN);
  // The corpus is meant to exercise both sides: most snippets decided, many left to Lua.
  assert(tally.decided > tally.pairs / 2, `${tally.decided} of ${tally.pairs} decided`);
  for (const source of ["1 + 1", "[[long]]", "_G", "('x'):rep(3)", "local a = ...", "x = 1"]) {
    assert(tally.undecided.has(`rule ${source}`), `${source} should be left to Lua`);
  }
  console.log(`hand-written: ${tally.decided} of ${tally.pairs} snippet×situation pairs decided`);
});

Deno.test("documented, README, example and benchmark snippets match Lua", async () => {
  const all = [...DOC_SNIPPETS, ...README_SNIPPETS, ...EXAMPLE_SNIPPETS, ...BENCH_SNIPPETS];
  const tally = await compare(all.map((used) => used.source));
  console.log(`corpus: ${tally.decided} of ${tally.pairs} snippet×situation pairs decided`);
  // The fast path is really taken for CoTerm's documented examples, the README's and the
  // benchmark's, used as they are used (a lint as a lint, a rule as a rule).
  for (const { source, kind } of [...DOC_SNIPPETS, ...BENCH_SNIPPETS, ...README_SNIPPETS]) {
    assert(!tally.undecided.has(`${kind} ${source}`), `not decided without Lua: ${source}`);
  }
});

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("random patterns: find and match equal Lua's", async () => {
  const next = random(20240611);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const PATTERN_PARTS = [
    "a",
    "b",
    "a",
    ".",
    "%a",
    "%d",
    "%s",
    "%w",
    "%p",
    "%.",
    "%-",
    "%",
    "[ab]",
    "[^a]",
    "[a-",
    "]",
    "^",
    "$",
    "-",
    "*",
    "+",
    "?",
    "(",
    ")",
    "()",
    "%1",
    "%b()",
    "%f[%w]",
    "1",
    " ",
    "é",
  ];
  const SUBJECT_PARTS = ["a", "b", "ab", "1", " ", "(", ")", "-", ".", "é", "%", "A", "$", "^"];
  const snippets: string[] = [];
  for (let i = 0; i < 300; i++) {
    const p = Array.from({ length: 1 + Math.floor(next() * 5) }, () => pick(PATTERN_PARTS))
      .join("");
    const s = Array.from({ length: Math.floor(next() * 8) }, () => pick(SUBJECT_PARTS)).join("");
    const init = pick(["", "", ", 1", ", 2", ", -2", ", 0", ", 20"]);
    const call = pick(["find", "match"]);
    snippets.push(
      `local a, b, c, d = (${luaString(s)}):${call}(${luaString(p)}${init})\n` +
        `return true, tostring(a) .. "|" .. tostring(b), tostring(c) .. "|" .. tostring(d)`,
    );
  }
  const tally = await compare(snippets, SITUATIONS.slice(0, 1));
  console.log(`random patterns: ${tally.decided} of ${tally.pairs} decided`);
  assert(tally.decided > tally.pairs / 3, `${tally.decided} of ${tally.pairs} decided`);
});

/**
 * The guard refuses a pattern call above 4e6 estimated steps. For subjects growing one byte
 * at a time, the subset must decide exactly while Lua accepts, and stop deciding where Lua
 * starts refusing.
 */
Deno.test("the pattern guard refuses at the same subject length as in Lua", async () => {
  const globals = buildGlobals(invocationOf("tool"), undefined);
  const env = subsetEnvironment(globals, DEFAULT_LUA_LIMITS.patternSteps)!;
  const cases: { make: (n: number) => string; low: number; high: number }[] = [
    // plain: (#s + 1) * (#p + 1) > 4e6
    {
      make: (n) => `("${"a".repeat(n)}"):find("${"b".repeat(999)}", 1, true)`,
      low: 3000,
      high: 5000,
    },
    // unanchored a*b: the run of a's times the starts
    { make: (n) => `("${"a".repeat(n)}b"):match("a*b")`, low: 1000, high: 3000 },
    { make: (n) => `("${"x".repeat(n)}y"):find(".-y")`, low: 1000, high: 3000 },
  ];
  const session = await openLuaSession(globals);
  try {
    session.setDeadline(Date.now() + 60_000);
    const luaAccepts = (source: string) => {
      assertEquals(session.compile(0, source), undefined);
      return session.run(0, "lint").status !== "error";
    };
    for (const { make, low, high } of cases) {
      assert(luaAccepts(make(low)), make(low).slice(0, 40));
      assert(!luaAccepts(make(high)), make(high).slice(0, 40));
      let [lo, hi] = [low, high]; // Lua accepts lo, refuses hi
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (luaAccepts(make(mid))) lo = mid;
        else hi = mid;
      }
      assert(evaluateInSubset(make(lo), "lint", env), `length ${lo}: ${make(lo).slice(0, 40)}`);
      assertEquals(evaluateInSubset(make(hi), "lint", env), undefined, `length ${hi}`);
    }
  } finally {
    session.close();
  }
});
