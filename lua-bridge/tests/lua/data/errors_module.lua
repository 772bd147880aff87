-- errors.new (string or table), methods, errors.wrap, errors.is and the kind constants.
local function main()
  for _, kind in ipairs({ "UNKNOWN", "INVALID", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
    "TIMEOUT", "CANCELED", "UNAVAILABLE", "INTERNAL", "CONFLICT", "RATE_LIMITED" }) do
    if errors[kind] == nil then
      return false, "missing kind constant " .. kind
    end
  end
  local e = errors.new("plain failure")
  if e:message() ~= "plain failure" then
    return false, "message " .. tostring(e:message())
  end
  if tostring(e) ~= "plain failure" then
    return false, "tostring " .. tostring(e)
  end
  local t = errors.new({ message = "not there", kind = errors.NOT_FOUND, retryable = true, details = { id = 7 } })
  if t:message() ~= "not there" or t:kind() ~= errors.NOT_FOUND or t:retryable() ~= true then
    return false, "table form fields"
  end
  if t:details().id ~= 7 then
    return false, "details"
  end
  if not errors.is(t, errors.NOT_FOUND) or errors.is(t, errors.INVALID) then
    return false, "errors.is"
  end
  local w = errors.wrap(t, "loading user")
  if not tostring(w):find("loading user", 1, true) or not tostring(w):find("not there", 1, true) then
    return false, "wrap message: " .. tostring(w)
  end
  if not errors.is(w, errors.NOT_FOUND) then
    return false, "wrap lost the kind"
  end
  if ("x: " .. e) ~= "x: plain failure" then
    return false, "concatenation"
  end
  -- An error object raised and caught keeps its kind.
  local ok, caught = pcall(error, t)
  if ok or not errors.is(caught, errors.NOT_FOUND) then
    return false, "raised error lost its kind"
  end
  return true
end

return { main = main }
