-- string.find's plain searches (`plain` true, or a pattern without special characters)
-- give the positions Lua's own library gives, for every `init`, and run in linear time:
-- a 1 MB needle that almost matches at each of 3 million places (about 30 s of the
-- library's compare-at-every-place search on this machine, inside one C call no
-- preemption reaches; a 5 MB needle in 10 MB takes minutes).
local function check(s, p, init, plain, want_first, want_last)
  local first, last = string.find(s, p, init, plain)
  if first ~= want_first or last ~= want_last then
    return false, string.format("find(%q, %q, %s, %s) = %s, %s; wanted %s, %s", s, p,
      tostring(init), tostring(plain), tostring(first), tostring(last),
      tostring(want_first), tostring(want_last))
  end
  return true
end

local function main()
  local cases = {
    { "hello world", "o", nil, nil, 5, 5 },
    { "hello world", "o", 6, nil, 8, 8 },
    { "hello world", "o", -3, nil, nil, nil },
    { "hello world", "o", -4, nil, 8, 8 },
    { "hello world", "world", -100, true, 7, 11 },
    { "hello world", "", nil, nil, 1, 0 },
    { "hello world", "", 12, nil, 12, 11 },
    { "hello world", "", 13, nil, nil, nil },
    { "hello world", "x", 0, nil, nil, nil },
    { "a.b", ".", nil, true, 2, 2 },
    { "a.b", ".", nil, false, 1, 1 },
    { "a\0b", "\0", nil, nil, 2, 2 },
    { "", "", nil, nil, 1, 0 },
    { "abc", "abcd", nil, true, nil, nil },
    { "x(y)", "(y)", nil, true, 2, 4 },
  }
  for _, c in ipairs(cases) do
    local ok, err = check(c[1], c[2], c[3], c[4], c[5], c[6])
    if not ok then return false, err end
  end
  -- Methods and numbers go the same way.
  if ("abcabc"):find("ca") ~= 3 or string.find(12345, 34) ~= 3 then
    return false, "method or number argument"
  end
  local ok = pcall(string.find, "abc", {})
  if ok then
    return false, "a table pattern was accepted"
  end
  local needle = string.rep("a", 1000000) .. "b"
  local haystack = string.rep("a", 4000000) .. "b"
  local first, last = string.find(haystack, needle, 1, true)
  if first ~= 3000001 or last ~= 4000001 then
    return false, "long plain search: " .. tostring(first) .. ", " .. tostring(last)
  end
  return true
end

return { main = main }
