-- wrk script: two common words per request (576 pairs, 48 distinct terms).
words = {"kafka","payments","graphql","latency","postgres","migrations","observability","tokio","django","spring","kubernetes","terraform","redis","billing","search","warehouse","streaming","grpc","security","caching","testing","python","golang","scaling"}
counter = 0
request = function()
  counter = counter + 1
  local a = words[(counter % #words) + 1]
  local b = words[(math.floor(counter / #words) % #words) + 1]
  return wrk.format("GET", "/developers?q=" .. a .. "+" .. b)
end
