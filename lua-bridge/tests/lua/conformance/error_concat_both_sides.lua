-- Error values concatenate like strings on either side, and with each other; the
-- result is a string holding the message (R tests/app/src/test/errors/strings.lua; the
-- docs' `"spawn failed: " .. err`).
local function main()
  local e = errors.new("test error")
  local e2 = errors.new("another error")
  local a = "prefix: " .. e
  local b = e .. " :suffix"
  local c = e .. e2
  for name, s in pairs({ left = a, right = b, both = c }) do
    if type(s) ~= "string" then
      return false, name .. " concatenation gave a " .. type(s)
    end
  end
  if a ~= "prefix: test error" then
    return false, "left: " .. a
  end
  if b ~= "test error :suffix" then
    return false, "right: " .. b
  end
  if not c:find("test error", 1, true) or not c:find("another error", 1, true) then
    return false, "both: " .. c
  end
  -- An error returned by the runtime behaves the same.
  local _, err = process.send("no_such_name_anywhere", "t", 1)
  local s = "send failed: " .. err
  if type(s) ~= "string" or not s:find("no_such_name_anywhere", 1, true) then
    return false, "runtime error concatenation: " .. tostring(s)
  end
  return true
end

return { main = main }
