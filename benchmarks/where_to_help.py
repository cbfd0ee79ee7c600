"""CPU time of "Where you could help" (joinedup.match.where_to_help) on a generated repository:
the indexed ranking against scoring every (person, need asking one of their skills) pair with
matching.levels, as the first version did.

    python benchmarks/where_to_help.py /tmp/gen10k      # a repository made by benchmarks/generate.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from joinedup.load.repository import load_repository
from joinedup.match.board import open_needs
from joinedup.match.needs import candidates_of
from joinedup.match import matching
from joinedup.match.where_to_help import where_to_help, NeedsBySkill
from joinedup.core.freshness import last_commit_dates
r,_=load_repository(sys.argv[1], history=True)
today=r.build_date
needs=open_needs(r.agenda,r.directory,today)
cands=candidates_of(r,last_commit_dates(r.root))
def per_pair():   # the first version: matching.levels for each (person, need asking one of their skills)
    by={}
    for p,n in enumerate(needs):
        for s in n.skills: by.setdefault(s,[]).append(p)
    asked=[n.need for n in needs]
    for c in cands:
        ps=set()
        for s in c.skills: ps.update(by.get(s,()))
        f=[]
        for p in ps:
            need=asked[p]
            if c.id in need.exclude: continue
            l=matching.levels(c,need,today)
            if l.can_help: f.append((-l.score,p))
        f.sort()
        for _,p in f[:5]: matching.explain(c,asked[p],today)
def timed(f):
    best=99
    for _ in range(3):
        t=time.process_time(); f(); best=min(best,time.process_time()-t)
    return best
idx=NeedsBySkill(needs,today)
print("%d people, %d needs (CPU seconds, best of 3):"%(len(cands),len(needs)))
print("  per pair with matching.levels + explain top 5: %.2f"%timed(per_pair))
print("  NeedsBySkill, ranking only:                     %.2f"%timed(lambda: [idx.for_candidate(c,0) for c in cands]))
print("  where_to_help (ranking + explain top 5):        %.2f"%timed(lambda: where_to_help(needs,cands,today,5)))
