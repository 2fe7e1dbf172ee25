/**
 * Lua source run once per Lua state, after `local DATA = {...}` (globals and limits).
 * It builds the sandbox each snippet runs in and defines the two entry points the engine
 * calls: __ddcoterm_compile(id, source) and __ddcoterm_run(id, kind).
 *
 * Why the pattern guard: the time budget is enforced by an instruction-count hook, which
 * never fires inside C functions, and Lua's backtracking matcher can run for seconds in C.
 * Before calling string.find/match/gmatch/gsub, the guard bounds the work with a cheap
 * estimate (linear passes over the subject) and refuses calls above DATA.pattern_steps.
 */
export const PRELUDE_LUA = String.raw`
local G = DATA.globals
local STEPS = DATA.pattern_steps
local SORT_MAX = DATA.sort_max

local raw_pcall, raw_xpcall, raw_error, raw_load = pcall, xpcall, error, load
local type, tostring, select, next, setmetatable = type, tostring, select, next, setmetatable
local s_find, s_match, s_gmatch, s_gsub = string.find, string.match, string.gmatch, string.gsub
local s_sub, s_format, s_rep = string.sub, string.format, string.rep
local t_sort, t_pack, t_unpack = table.sort, table.pack, table.unpack
local huge, min = math.huge, math.min

-- Errors that must end the snippet even inside its own pcall: the time budget (a userdata
-- thrown by the engine's hook), the memory cap, and failures inside a message handler.
local function fatal(e)
  return type(e) == "userdata" or e == "not enough memory" or e == "error in error handling"
end

local function rethrow_fatal(ok, ...)
  if not ok and fatal((...)) then raw_error((...), 0) end
  return ok, ...
end

local function readonly(t, name)
  return setmetatable({}, {
    __index = t,
    __newindex = function(_, key)
      raw_error(s_format("%s is read-only (cannot set %s)", name, tostring(key)), 2)
    end,
    __len = function() return #t end,
    __pairs = function() return next, t, nil end,
    __metatable = false,
  })
end

-- Pattern cost guard -------------------------------------------------------------------

-- Index just past the "]" closing the set that starts at p[i] == "[", or nil if malformed.
local function set_end(p, i)
  i = i + 1
  if s_sub(p, i, i) == "^" then i = i + 1 end
  repeat
    if i > #p then return nil end
    local c = s_sub(p, i, i)
    i = i + 1
    if c == "%" then i = i + 1 end
  until s_sub(p, i, i) == "]"
  return i + 1
end

local function literal_class(c)
  if s_find(c, "^%w$") then return c end
  return "%" .. c
end

local parsed_cache = {}

-- Splits a pattern into items {kind, class, q}; nil when malformed (C reports it).
local function parse_pattern(p)
  local cached = parsed_cache[p]
  if cached then return cached[1], cached[2] end
  local items, i, n, anchored = {}, 1, #p, false
  if s_sub(p, 1, 1) == "^" then anchored, i = true, 2 end
  while i <= n do
    local c = s_sub(p, i, i)
    if c == "(" or c == ")" then
      i = i + 1
    elseif c == "$" and i == n then
      items[#items + 1] = { kind = "end", q = "" }
      i = i + 1
    else
      local kind, class, j = "single", nil, nil
      if c == "%" then
        local d = s_sub(p, i + 1, i + 1)
        if d == "" then return nil end
        if d == "b" then
          if i + 3 > n then return nil end
          kind, class, j = "balance", literal_class(s_sub(p, i + 2, i + 2)), i + 4
        elseif d == "f" then
          if s_sub(p, i + 2, i + 2) ~= "[" then return nil end
          kind, j = "frontier", set_end(p, i + 2)
        elseif s_find(d, "^%d$") then
          kind, j = "backref", i + 2
        else
          class, j = s_sub(p, i, i + 1), i + 2
        end
      elseif c == "[" then
        j = set_end(p, i)
        class = j and s_sub(p, i, j - 1)
      elseif c == "." then
        class, j = ".", i + 1
      else
        class, j = literal_class(c), i + 1
      end
      if not j then return nil end
      local q = ""
      if kind == "single" then
        local nq = s_sub(p, j, j)
        if nq == "*" or nq == "+" or nq == "-" or nq == "?" then q, j = nq, j + 1 end
      end
      items[#items + 1] = { kind = kind, class = class, q = q }
      i = j
    end
  end
  parsed_cache[p] = { items, anchored }
  return items, anchored
end

-- An upper bound of the matcher's steps: start positions times, for each quantified item,
-- the branches it can try (its longest run in the subject, cut down to the occurrences of
-- the item that must follow it) plus the scanning each branch does.
local function pattern_cost(s, p, init)
  local len = #s
  init = tonumber(init) or 1
  if init < 0 then init = len + init + 1 end
  if init < 1 then init = 1 end
  local n = len - init + 1
  if n < 0 then n = 0 end
  local items, anchored = parse_pattern(p)
  if not items then return 0 end
  local starts = anchored and 1 or n + 1
  local analysis, product, work = 0, 1, #p
  local runs, counts = {}, {}
  local function longest_run(class)
    if runs[class] then return runs[class] end
    analysis = analysis + len
    local best, pos, run_pattern = 0, 1, class .. "+"
    while true do
      local a, b = s_find(s, run_pattern, pos)
      if not a then break end
      if b - a + 1 > best then best = b - a + 1 end
      pos = b + 1
    end
    runs[class] = best
    return best
  end
  local function occurrences(class)
    if counts[class] then return counts[class] end
    analysis = analysis + len
    counts[class] = select(2, s_gsub(s, class, ""))
    return counts[class]
  end
  for k = 1, #items do
    if starts * (work + product) > STEPS or analysis > STEPS then return huge end
    local it = items[k]
    if it.kind == "single" and (it.q == "*" or it.q == "+" or it.q == "-") then
      local r = longest_run(it.class)
      local follow, branches = items[k + 1], r
      if follow and (follow.kind == "single" and (follow.q == "" or follow.q == "+")) then
        branches = min(r, occurrences(follow.class))
      elseif follow and follow.kind == "balance" then
        branches = min(r, occurrences(follow.class))
      elseif follow and follow.kind == "end" then
        branches = min(r, 1)
      end
      work = work + product * (r + 1)
      product = product * (branches + 1)
    elseif it.q == "?" then
      product = product * 2
      work = work + product
    elseif it.kind == "balance" or it.kind == "backref" then
      work = work + product * (n + 1)
    else
      work = work + product
    end
  end
  return starts * (work + product)
end

local MAGIC = "[%^%$%*%+%?%.%(%)%[%]%%%-]"

local function guard(name, s, p, init, plain)
  if type(s) == "number" then s = tostring(s) end
  if type(p) == "number" then p = tostring(p) end
  if type(s) ~= "string" or type(p) ~= "string" then return end -- C raises the type error
  local cost
  if plain or not s_find(p, MAGIC) then
    cost = (#s + 1) * (#p + 1)
  else
    local ok, result = raw_pcall(pattern_cost, s, p, init)
    if not ok then
      if fatal(result) then raw_error(result, 0) end
      result = 0 -- a malformed pattern: the C function reports it
    end
    cost = result
  end
  if cost > STEPS then
    local shown = #p > 40 and (s_sub(p, 1, 40) .. "...") or p
    raw_error(s_format(
      "string.%s refused pattern %q on a %d-character subject: it could take too long " ..
        "(simplify the pattern or shorten the subject)", name, shown, #s), 3)
  end
end

string.find = function(s, p, init, plain)
  guard("find", s, p, init, plain)
  return s_find(s, p, init, plain)
end
string.match = function(s, p, init)
  guard("match", s, p, init, false)
  return s_match(s, p, init)
end
string.gmatch = function(s, p, init)
  guard("gmatch", s, p, init, false)
  return s_gmatch(s, p, init)
end
string.gsub = function(s, p, repl, limit)
  guard("gsub", s, p, nil, false)
  return s_gsub(s, p, repl, limit)
end
string.dump = nil
getmetatable("").__metatable = false

table.sort = function(t, comp)
  if type(t) == "table" and #t > SORT_MAX then
    raw_error(s_format("table.sort refused a table of %d elements (the limit is %d)", #t, SORT_MAX), 2)
  end
  return t_sort(t, comp)
end

-- The sandbox ------------------------------------------------------------------------

local ARGS = G.args
local BASE = {
  _VERSION = _VERSION,
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs,
  rawequal = rawequal, rawget = rawget, rawlen = rawlen, select = select,
  getmetatable = getmetatable, setmetatable = setmetatable,
  tonumber = tonumber, tostring = tostring, type = type,
  pcall = function(f, ...) return rethrow_fatal(raw_pcall(f, ...)) end,
  xpcall = function(f, handler, ...)
    local function guarded(e)
      if fatal(e) then return e end
      return handler(e)
    end
    return rethrow_fatal(raw_xpcall(f, guarded, ...))
  end,
  string = readonly(string, "string"),
  table = readonly(table, "table"),
  math = readonly(math, "math"),
  utf8 = readonly(utf8, "utf8"),
  executable = G.executable,
  args = readonly(ARGS, "args"),
  flags = readonly(G.flags, "flags"),
  short_flags = readonly(G.short_flags, "short_flags"),
  env = readonly(G.env, "env"),
  user = G.user,
  hostname = G.hostname,
  cwd = G.cwd,
  is_interactive = G.is_interactive,
  k8s_current_context = G.k8s_current_context,
  k8s_context = G.k8s_context,
  k8s_namespace = G.k8s_namespace,
  has_arg = function(wanted)
    for i = 1, #ARGS do
      if ARGS[i] == wanted then return true end
    end
    return false
  end,
}

local function new_env()
  local env = {}
  for key, value in next, BASE do env[key] = value end
  env._G = env
  return env
end

local compiled = {}

-- Compiles a snippet as an expression first ("has_arg('x')", "true"), else as a chunk.
function __ddcoterm_compile(id, source)
  local env = new_env()
  local fn = raw_load("return " .. source, "=snippet", "t", env)
  if not fn then
    local err
    fn, err = raw_load(source, "=snippet", "t", env)
    if not fn then return err end
  end
  compiled[id] = fn
  return nil
end

local function describe_error(e)
  if type(e) == "userdata" then return "timeout", "time budget exceeded" end
  if e == "not enough memory" then return "memory", e end
  if type(e) == "string" then return "error", e end
  local ok, text = raw_pcall(tostring, e)
  if ok and type(text) == "string" then return "error", text end
  return "error", "(an error value of type " .. type(e) .. ")"
end

local function as_message(value, which)
  if value == nil or value == false then return true, nil end
  if type(value) == "string" then return true, value end
  if type(value) == "number" then return true, tostring(value) end
  return false, s_format("the %s value returned must be a string or nil, got a %s", which, type(value))
end

-- Runs a compiled snippet; returns a status word and up to two strings.
--   lint: "none" | "lint", message | error statuses
--   rule: "nomatch" | "match", user message, approver message | error statuses
--   error statuses: "error", message | "timeout", text | "memory", text
function __ddcoterm_run(id, kind)
  local r = t_pack(raw_pcall(compiled[id]))
  if not r[1] then return describe_error(r[2]) end
  if kind == "lint" then
    local ok, message = as_message(r[2], "lint's")
    if not ok then return "error", message end
    if message == nil then return "none" end
    return "lint", message
  end
  if not r[2] then return "nomatch" end
  local ok1, user_message = as_message(r[3], "second")
  if not ok1 then return "error", user_message end
  local ok2, approver_message = as_message(r[4], "third")
  if not ok2 then return "error", approver_message end
  return "match", user_message, approver_message
end
`;
