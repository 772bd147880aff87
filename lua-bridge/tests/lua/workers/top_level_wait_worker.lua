-- Waits for a message at its chunk's top level, then main returns what came.
local got = process.inbox():receive():payload():data()

return { main = function() return got end }
