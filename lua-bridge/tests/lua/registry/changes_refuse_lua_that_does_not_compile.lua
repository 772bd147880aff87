-- A change set whose Lua source does not compile (a bad token, an unclosed string, a
-- missing `end`, a malformed annotation) is refused at apply with INVALID, naming the
-- entry and the line, as the original's code manager refuses it; nothing of the set is
-- applied (an update leaves the old source running, an earlier create in the set is not
-- made), and a set with good source still applies.
local function fn_entry(id, source)
  return { id = id, kind = "function.lua", data = { source = source, method = "main" } }
end

local function refused(what, changes, needles)
  local v, err = changes:apply()
  if v ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return what .. ": " .. tostring(v) .. ", " .. tostring(err)
  end
  for _, needle in ipairs(needles) do
    if not tostring(err):find(needle, 1, true) then
      return what .. ": the message does not name " .. needle .. ": " .. tostring(err)
    end
  end
end

local function main()
  local good = "local function main() return 'good' end\nreturn { main = main }"
  local cases = {
    { "a bad token", "local x = 1 @@ 2", { "test:bad", "test:bad:1:" } },
    { "an unclosed string", "local x = \"unclosed\nreturn x", { "test:bad:1:", "unfinished string" } },
    { "a missing end", "local function main()\n  if true then\n    return 1\nreturn { main = main }",
      { "test:bad:4:", "'end' expected" } },
    { "a malformed annotation", "\nlocal x: {number = 42", { "test:bad:2:" } },
  }
  for _, case in ipairs(cases) do
    local c = registry.snapshot():changes()
    c:create(fn_entry("test:bad", case[2]))
    local problem = refused(case[1], c, case[3])
    if problem then return false, problem end
    if registry.get("test:bad") ~= nil then
      return false, case[1] .. ": the refused entry was made"
    end
  end

  -- Good source applies, and runs.
  local c = registry.snapshot():changes()
  c:create(fn_entry("test:fine", good))
  local v, err = c:apply()
  if v == nil then return false, "good source: " .. tostring(err) end
  local version = registry.current_version():id()

  -- An update to broken source is refused; the old source still runs.
  c = registry.snapshot():changes()
  c:update(fn_entry("test:fine", "return {{{"))
  local problem = refused("an update to broken source", c, { "test:fine" })
  if problem then return false, problem end
  local r, cerr = funcs.call("test:fine")
  if r ~= "good" then
    return false, "after a refused update: " .. tostring(r) .. ", " .. tostring(cerr)
  end

  -- A good create before a broken one in the same set is not applied either.
  c = registry.snapshot():changes()
  c:create(fn_entry("test:first", good))
  c:create({ id = "test:lib", kind = "library.lua", data = { source = "return {" } })
  problem = refused("a set whose second entry does not compile", c, { "test:lib" })
  if problem then return false, problem end
  if registry.get("test:first") ~= nil or registry.current_version():id() ~= version then
    return false, "a refused set changed the registry"
  end
  return true
end

return { main = main }
