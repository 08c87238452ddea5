-- wrk script: a new filter combination each request (level x two skills x experience): nothing cached
skills = {"rust","go","python","java","kotlin","typescript","ruby","elixir","php","node-js","django","spring-boot","postgresql","mysql","redis","kafka","docker","kubernetes","aws","gcp","terraform","graphql","grpc","mongodb","elasticsearch","rabbitmq","linux","git","fastapi","tokio"}
levels = {"L1","L2","L3"}
years = {"", "&years=2", "&years=5", "&years=8"}
counter = 0
request = function()
  counter = counter + 1
  local n = counter
  local l = levels[(n % 3) + 1]; n = math.floor(n / 3)
  local a = skills[(n % #skills) + 1]; n = math.floor(n / #skills)
  local b = skills[(n % #skills) + 1]; n = math.floor(n / #skills)
  local y = years[(n % 4) + 1]
  return wrk.format("GET", "/developers?level=" .. l .. "&skill=" .. a .. "&skill=" .. b .. y)
end
