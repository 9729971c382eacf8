"""An SQLAlchemy 2 mapping of the api schema, as an ORM application would write it.

The api views carry no keys PostgreSQL can report, so the mapping declares them: every user-owned
row is keyed by (user_id, id), the future distribution key. Counters and times the database keeps
(message_count, last_message_at, created_at, ...) are server-side values: never sent, fetched
after a flush. Enum columns name the api types (api.message_role, api.memory_tier), which the app
login may use. Every transaction names its end user first (api.act_as), here in an `after_begin`
hook, so a pooled connection never carries a user into the next request.

Run against `make up`:  make examples
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime

from sqlalchemy import (ARRAY, FetchedValue, ForeignKeyConstraint, Integer, String, Text, create_engine, event,
                        select, text)
from sqlalchemy.dialects.postgresql import ENUM, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

MESSAGE_ROLE = ENUM("user", "assistant", "system", "tool", name="message_role", schema="api", create_type=False)
MEMORY_TIER = ENUM("short_term", "medium_term", "long_term", "critical", name="memory_tier", schema="api",
                   create_type=False)
SERVER = dict(server_default=FetchedValue(), server_onupdate=FetchedValue())


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"schema": "api"}
    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(**SERVER)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = {"schema": "api"}
    __mapper_args__ = {"eager_defaults": True}
    user_id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)   # defaults to the acting user
    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)
    name: Mapped[str | None] = mapped_column(Text)
    agents: Mapped[list[str]] = mapped_column(ARRAY(Text), **SERVER)
    message_count: Mapped[int] = mapped_column(Integer, **SERVER)                   # kept by the database
    last_message_at: Mapped[datetime | None] = mapped_column(**SERVER)
    messages: Mapped[list["Message"]] = relationship(back_populates="conversation", order_by="Message.created_at",
                                                     viewonly=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (ForeignKeyConstraint(["user_id", "conversation_id"], ["api.conversations.user_id", "api.conversations.id"]),
                      {"schema": "api"})
    user_id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)
    created_at: Mapped[datetime] = mapped_column(primary_key=True, **SERVER)
    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)
    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID)
    role: Mapped[str] = mapped_column(MESSAGE_ROLE)
    content: Mapped[str] = mapped_column(Text)
    metadata_: Mapped[dict] = mapped_column("metadata", JSONB, **SERVER)
    conversation: Mapped[Conversation] = relationship(back_populates="messages", viewonly=True)


class Memory(Base):
    __tablename__ = "memories"
    __table_args__ = {"schema": "api"}
    user_id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)
    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, **SERVER)
    tier: Mapped[str] = mapped_column(MEMORY_TIER)
    content: Mapped[str] = mapped_column(Text)
    importance: Mapped[float] = mapped_column(**SERVER)


def acting_sessions(engine, user_id: uuid.UUID) -> Session:
    """A Session whose every transaction names user_id first."""
    session = Session(engine)

    @event.listens_for(session, "after_begin")
    def _name_the_user(session, transaction, connection):
        connection.execute(text("SELECT api.act_as(:user_id)"), {"user_id": user_id})

    return session


def main() -> None:
    def sqlalchemy_url(url: str) -> str:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)

    service = create_engine(sqlalchemy_url(os.environ["SERVICE_URL"]))
    app = create_engine(sqlalchemy_url(os.environ["APP_URL"]), pool_size=4)

    with Session(service) as session, session.begin():    # sign-up is the service's job
        ana = User(name="Ana Souza", email=f"ana.{uuid.uuid4().hex[:8]}@exemplo.com.br")
        session.add(ana)
        session.flush()
        ana_id = ana.id

    with acting_sessions(app, ana_id) as session, session.begin():
        conversation = Conversation(name="Revisão do avião PT-XYZ")
        session.add(conversation)
        session.flush()                                   # id, user_id and counters come back from the database
        assert conversation.message_count == 0 and conversation.user_id == ana_id
        session.add_all([
            Message(conversation_id=conversation.id, role="user", content="Quando é a próxima inspeção?"),
            Message(conversation_id=conversation.id, role="assistant", content="A inspeção de 100 horas é na sexta."),
        ])
        session.add(Memory(tier="long_term", content="Ana é a responsável pela manutenção do PT-XYZ."))
        conversation_id = conversation.id

    with acting_sessions(app, ana_id) as session, session.begin():
        conversation = session.get(Conversation, (ana_id, conversation_id))
        assert conversation.message_count == 2, conversation.message_count
        assert [m.role for m in conversation.messages] == ["user", "assistant"]
        tiers = session.scalars(select(Memory.tier)).all()
        assert tiers == ["long_term"]
        history = session.execute(text("SELECT role::text, content FROM api.conversation_history(:c)"),
                                  {"c": conversation_id}).all()
        assert [r[0] for r in history] == ["assistant", "user"]
        count = conversation.message_count
    print(f"sqlalchemy_app: ok ({count} messages, memory tiers {tiers})")


if __name__ == "__main__":
    main()
