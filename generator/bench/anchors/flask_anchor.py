"""The anchor of `dualgen bench --scenario resource`: the bench's resource read and created the
way Flask-SQLAlchemy's documentation writes it (a declarative model, db.get_or_404,
db.session.add and commit), with the generated project's pinned packages, in its database (the
bench applies the generated migrations first) and under its gunicorn.conf.py. Not generated
code: the bench copies it into a copy of the generated project as bench_anchor.py and serves
`gunicorn bench_anchor:app`. It reads no user value."""

import os

from flask import Flask, request, url_for
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "bench_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    price: Mapped[float]
    quantity: Mapped[int]

    def to_dict(self):
        return {"id": self.id, "name": self.name, "price": self.price, "quantity": self.quantity}


app = Flask(__name__)
# The database the bench made for this server, through the driver the project installs.
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"].replace(
    "postgresql://", "postgresql+psycopg://", 1
)
db.init_app(app)


@app.get("/bench/items/<int:id>")
def read_item(id):
    return db.get_or_404(Item, id).to_dict()


@app.post("/bench/items")
def create_item():
    data = request.get_json()
    item = Item(name=data["name"], price=data["price"], quantity=data["quantity"])
    db.session.add(item)
    db.session.commit()
    return item.to_dict(), 201, {"Location": url_for("read_item", id=item.id)}
