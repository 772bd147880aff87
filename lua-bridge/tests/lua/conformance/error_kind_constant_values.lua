-- The errors.* kind constants are the original's kind strings ("NotFound", ...), and
-- UNKNOWN is the empty string (R tests/app/src/test/errors/constants.lua).
local function main()
  local expected = {
    NOT_FOUND = "NotFound",
    ALREADY_EXISTS = "AlreadyExists",
    INVALID = "Invalid",
    PERMISSION_DENIED = "PermissionDenied",
    UNAVAILABLE = "Unavailable",
    INTERNAL = "Internal",
    CANCELED = "Canceled",
    CONFLICT = "Conflict",
    TIMEOUT = "Timeout",
    RATE_LIMITED = "RateLimited",
    UNKNOWN = "",
  }
  for name, value in pairs(expected) do
    if errors[name] ~= value then
      return false, "errors." .. name .. " = " .. tostring(errors[name]) .. ", expected " .. string.format("%q", value)
    end
  end
  return true
end

return { main = main }
