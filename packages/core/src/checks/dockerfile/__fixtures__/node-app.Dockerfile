# syntax=docker/dockerfile:1
FROM node:latest

MAINTAINER dev-team@example.com

ENV NODE_ENV=production \
    PORT=3000 \
    SESSION_SECRET=s3cr3t-session-key

WORKDIR /usr/src/app

RUN apt-get update && \
    apt-get install -y python3 make g++ && \
    curl -fsSL https://deb.nodesource.com/setup_lts.x | bash -

COPY package*.json ./
RUN npm ci --omit=dev

COPY . .

EXPOSE 3000 22
CMD ["node", "server.js"]
